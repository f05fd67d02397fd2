"""Receivers that drip their answer a byte at a time (issue 18): a total deadline per delivery, caps per
endpoint and per silo, and another silo's delivery goes out at once. Real drip server, real worker."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections import Counter

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from webhooks.models import DeliveryAttempt, WebhookEndpoint
from webhooks.services import endpoint_create, event_emit

pytestmark = pytest.mark.slow


class DripServer(socketserver.ThreadingTCPServer):
    """Reads a request, then answers one byte every `interval` seconds (each byte well within any socket
    timeout), for as long as the client stays. Counts connections in flight per path."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, interval: float):
        self.interval = interval
        self.lock = threading.Lock()
        self.in_flight: Counter[str] = Counter()
        self.max_per_path: Counter[str] = Counter()
        self.max_total = 0
        self.held: list[float] = []  # seconds each connection was held before the client gave up
        super().__init__(("127.0.0.1", 0), _DripHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _DripHandler(socketserver.BaseRequestHandler):
    def handle(self):
        server: DripServer = self.server
        started = time.monotonic()
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1].decode()
        with server.lock:
            server.in_flight[path] += 1
            server.max_per_path[path] = max(server.max_per_path[path], server.in_flight[path])
            server.max_total = max(server.max_total, sum(server.in_flight.values()))
        answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n" + b" " * 200
        try:
            for byte in answer:
                self.request.sendall(bytes([byte]))
                time.sleep(server.interval)
        except OSError:
            pass  # the sender hung up: what a deadline does
        finally:
            with server.lock:
                server.in_flight[path] -= 1
                server.held.append(time.monotonic() - started)


@pytest.fixture
def drip():
    server = DripServer(interval=0.5)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_transport_gives_up_at_the_total_deadline_however_the_bytes_are_spaced(drip, allow_private):
    from webhooks.transport import post

    started = time.monotonic()
    result = post(f"{drip.url}/hook", body=b"{}", headers={"Content-Type": "application/json"}, timeout=1.5)
    elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 2.5, (elapsed, result)
    assert not result.ok and "total deadline" in result.error and result.latency_ms < 2500
    deadline = time.monotonic() + 3
    while not drip.held and time.monotonic() < deadline:
        time.sleep(0.05)
    # The receiver notices the hang-up at its next byte or the one after (0.5 s apart), so it sees the
    # connection end up to ~1 s after our 1.5 s deadline, more on a loaded machine; a client without the
    # deadline would have held it for the whole drip (~140 s).
    assert drip.held and drip.held[0] < 4.0


def test_tls_handshake_that_never_finishes_is_cut_at_the_deadline():
    """A 'receiver' that accepts and then says nothing: the TLS handshake is bounded by the same deadline."""
    from webhooks import transport

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    conn = transport._PinnedHTTPSConnection(
        "receiver.test", listener.getsockname()[1], "127.0.0.1", deadline=time.monotonic() + 1.0, timeout=30
    )
    started = time.monotonic()
    with pytest.raises(OSError):
        conn.connect()  # each recv would wait 30 s; the watchdog ends it at 1 s
    assert time.monotonic() - started < 2.0
    conn.close()
    listener.close()


def test_slow_receivers_in_one_silo_do_not_delay_another_silos_delivery(
    committed, allow_private, drip, receiver, make_worker
):
    # One worker process; small caps so that the test shows them: 2 per endpoint, 6 per silo. Three
    # dripping endpoints with three events each (9 sends) can fill the 6 silo slots only by holding
    # exactly 2 sends on every endpoint, whatever order the worker picks them in: a broken endpoint cap
    # shows as 3 on one path, a broken silo cap as more than 6 in all.
    worker = make_worker(
        concurrency=1,
        CASHSHEET_WEBHOOK_TIMEOUT_S="5",
        CASHSHEET_WEBHOOK_RETRY_DELAYS="0,600",
        CASHSHEET_WEBHOOK_ENDPOINT_CONCURRENCY="2",
        CASHSHEET_WEBHOOK_SILO_CONCURRENCY="6",
    )
    slow = [endpoint_create(url=f"{drip.url}/hook/{i}", events=["invoice.posted"]) for i in range(3)]
    with schema_context("beta"):
        fast = endpoint_create(url=receiver.url, events=["invoice.posted"])
        receiver.secrets = [fast.secret]
    try:
        with transaction.atomic():
            for i in range(3):  # 9 deliveries to dripping receivers
                event_emit(event_type="invoice.posted", obj={"id": i})
        time.sleep(1.5)  # the worker is busy with them: every slot the caps allow is dripping
        assert drip.max_total == 6 and sorted(drip.max_per_path.values()) == [2, 2, 2]
        with schema_context("beta"), transaction.atomic():
            event_emit(event_type="invoice.posted", obj={"id": "other-silo"})
        committed_at = time.monotonic()
        assert receiver.wait_for(lambda: len(receiver.received) == 1, timeout=10)
        assert time.monotonic() - committed_at < 3.0  # not behind the 5 s deadlines of the dripping sends
        assert receiver.received[0].signature_ok

        # Every dripping attempt ended at the total deadline (not 280 bytes x 0.5 s = 140 s later).
        assert receiver.wait_for(lambda: DeliveryAttempt.objects.filter(endpoint__in=slow).count() >= 6, 15)
        attempts = list(DeliveryAttempt.objects.filter(endpoint__in=slow))
        assert all(not a.succeeded and "total deadline" in a.error for a in attempts)
        assert all(a.latency_ms < 5000 + 1500 for a in attempts)
        assert max(drip.max_per_path.values()) <= 2
    finally:
        worker.kill()  # its remaining sends would drip on; their endpoints go next
        WebhookEndpoint.objects.filter(pk__in=[e.pk for e in slow]).delete()
        with schema_context("beta"):
            WebhookEndpoint.objects.filter(pk=fast.pk).delete()
