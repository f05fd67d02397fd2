"""One HTTP POST to a receiver, to the address the SSRF guard checked, with a hard total deadline.

A socket timeout bounds each read, not the request: a receiver that drips one byte every second would hold
a send thread for as long as it likes. So every connection is also registered with a watchdog thread that
shuts the socket down when the request's deadline passes, whatever the request is doing then (connecting,
handshaking TLS, sending, or reading the status line, headers or body).
"""

from __future__ import annotations

import email.utils
import heapq
import http.client
import itertools
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from webhooks.ssrf import UnsafeUrl, resolve

BODY_KEEP = 1024
_TLS = ssl.create_default_context()


@dataclass
class Result:
    status: int | None = None
    latency_ms: int = 0
    body: str = ""
    error: str = ""
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error


class _Watchdog:
    """One thread per process that shuts sockets down at their deadline (a heap of deadlines)."""

    def __init__(self):
        self._heap: list[tuple[float, int, socket.socket]] = []
        self._live: set[int] = set()
        self._ids = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> int:
        with self._cond:
            if self._thread is None or not self._thread.is_alive():  # lazily, so each forked child has its own
                self._thread = threading.Thread(target=self._run, name="webhook-deadlines", daemon=True)
                self._thread.start()
            ident = next(self._ids)
            heapq.heappush(self._heap, (deadline, ident, sock))
            self._live.add(ident)
            self._cond.notify()
            return ident

    def release(self, ident: int) -> None:
        with self._cond:
            self._live.discard(ident)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)  # finished in time
                if not self._heap:
                    self._cond.wait()
                    continue
                deadline, ident, sock = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                self._live.discard(ident)
            try:
                # The plain socket's shutdown, also for TLS: it wakes a thread blocked in recv or send at once
                # without touching the SSL object that thread is using.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass  # already closed


_watchdog = _Watchdog()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, *, deadline: float, **kw):
        super().__init__(host, port, **kw)
        self._address = address
        self._deadline = deadline
        self._watch: int | None = None

    def _open(self) -> socket.socket:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        sock = socket.create_connection((self._address, self.port), min(self.timeout, remaining))
        self._watch = _watchdog.watch(sock, self._deadline)
        return sock

    def connect(self):
        self.sock = self._open()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self):
        if self._watch is not None:
            _watchdog.release(self._watch)
        super().close()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    def __init__(self, host, port, address, *, deadline: float, **kw):
        super().__init__(host, port, address, deadline=deadline, **kw)
        self.default_port = http.client.HTTPS_PORT

    def connect(self):
        sock = self._open()
        # Certificate and SNI are checked against the URL's host, not the pinned address.
        self.sock = _TLS.wrap_socket(sock, server_hostname=self.host)


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Result:
    """POST `body`; success is a 2xx within `timeout` seconds in all: connect, TLS, send and the whole answer
    (status, headers and the first BODY_KEEP bytes) must fit in it, however the receiver spaces its bytes."""
    started = time.monotonic()
    deadline = started + timeout
    result = Result()
    conn = None
    try:
        scheme, host, port, address = resolve(url)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        conn = cls(host, port, address, deadline=deadline, timeout=timeout)
        conn.request("POST", target, body=body, headers=headers)
        response = conn.getresponse()
        result.status = response.status
        result.retry_after = parse_retry_after(response.getheader("Retry-After"))
        result.body = response.read(BODY_KEEP).decode("utf-8", "replace")
    except UnsafeUrl as exc:
        result.error = str(exc)
    except TimeoutError:
        result.error = f"Timed out after {timeout:g} s (the total deadline per delivery)."
    except Exception as exc:  # noqa: BLE001 - any failure (OSError, HTTPException, IDNA) is a failed attempt
        result.error = f"{type(exc).__name__}: {exc}"[:500]
    finally:
        if conn is not None:
            conn.close()
    elapsed = time.monotonic() - started
    result.latency_ms = int(elapsed * 1000)
    if elapsed >= timeout:
        # The watchdog cut it (whatever error that surfaced as), or it answered just too late.
        result.error = f"Timed out: no complete answer within {timeout:g} s (the total deadline per delivery)."
    return result
