"""Fixtures for webhook tests: a real HTTP receiver in a thread, and real Celery workers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.signing import verify_signature

# Worker settings that turn the production schedule (seconds to days) into moments.
FAST_ENV = {
    "CASHSHEET_WEBHOOK_ALLOW_PRIVATE": "1",
    "CASHSHEET_WEBHOOK_RETRY_DELAYS": "0,0.3,0.3,0.5,0.5,1,1,1",
    "CASHSHEET_WEBHOOK_REQUEUE_AFTER_S": "2",
    "CASHSHEET_WEBHOOK_LEASE_S": "3",
    "CASHSHEET_WEBHOOK_SWEEP_S": "0.5",
    "LOG_LEVEL": "WARNING",
}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    signature_ok: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that verifies each signature with the endpoint's secrets."""

    server: ThreadingHTTPServer
    secrets: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    # (request) -> (status, headers); default 200.
    respond: Callable[[Received], tuple[int, dict[str, str]]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def event_ids(self) -> set[str]:
        with self.lock:
            return {r.headers["X-CashSheet-Event-Id"] for r in self.received}

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers.items())
            ok = verify_signature(
                payload=body, header=headers.get("X-CashSheet-Signature", ""), secrets=list(receiver.secrets)
            )
            hit = Received(self.path, headers, body, time.time(), ok)
            with receiver.lock:
                receiver.received.append(hit)
            status, extra = receiver.respond(hit) if receiver.respond else (200, {})
            if not ok:
                status = 400  # a receiver must refuse what it cannot verify
            reply = b'{"received": true}' if status < 300 else b'{"error": "nope"}'
            try:
                self.send_response(status)
                for key, value in extra.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(reply)
            except OSError:
                pass  # the sender gave up (timeout) before we answered

        def log_message(self, *args):  # quiet
            pass

    return Handler


@pytest.fixture
def receiver():
    holder: dict = {}
    # A deep listen backlog, as any production server has: the default 5 drops SYNs under a burst.
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    rec = Receiver(server=server)
    server.RequestHandlerClass = _handler(rec)
    server.daemon_threads = True
    holder["thread"] = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    holder["thread"].start()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_private(settings):
    settings.CASHSHEET_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def make_worker():
    """Start real `celery worker` processes (with beat for the sweep) on the test database; stopped after."""
    from cashsheet.testing.servers import CeleryWorker, child_env

    started = []

    def _make(*, start: bool = True, beat: bool = True, concurrency: int = 2, **env: str) -> CeleryWorker:
        worker = CeleryWorker(env=child_env(**{**FAST_ENV, **env}), beat=beat, concurrency=concurrency)
        started.append(worker)
        return worker.start() if start else worker

    yield _make
    for worker in started:
        worker.stop()


@pytest.fixture
def purge_queue():
    """Empty the broker's queue so a test never runs messages another test left behind."""
    from cashsheet.celery import app

    app.control.purge()
    yield


@pytest.fixture
def live_endpoint(committed, allow_private, receiver, purge_queue):
    """A committed endpoint in the `live` silo subscribed to everything, pointing at `receiver`."""
    from webhooks.services import endpoint_create

    endpoint = endpoint_create(url=receiver.url, events=["*"], description="test receiver")
    receiver.secrets = [endpoint.secret]
    yield endpoint
    # Committed data lives for the session: leave no endpoint that other tests' events would reach.
    from webhooks.models import WebhookEndpoint

    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
