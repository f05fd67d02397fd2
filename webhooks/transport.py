"""One HTTP POST to a receiver, to the address the SSRF guard checked, with a hard timeout."""

from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
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


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kw):
        super().__init__(host, port, **kw)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kw):
        super().__init__(host, port, context=_TLS, **kw)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate and SNI are checked against the URL's host, not the pinned address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


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
    """POST `body`; success is a 2xx within `timeout` seconds in all (not per socket operation)."""
    started = time.monotonic()
    result = Result()
    conn = None
    try:
        scheme, host, port, address = resolve(url)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        conn = cls(host, port, address, timeout=timeout)
        conn.request("POST", target, body=body, headers=headers)
        response = conn.getresponse()
        result.status = response.status
        result.body = response.read(BODY_KEEP).decode("utf-8", "replace")
        result.retry_after = parse_retry_after(response.getheader("Retry-After"))
    except UnsafeUrl as exc:
        result.error = str(exc)
    except TimeoutError:
        result.error = f"Timed out after {timeout:g} s."
    except (OSError, http.client.HTTPException) as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:500]
    except Exception as exc:  # noqa: BLE001 - e.g. an IDNA error for an odd host: an attempt failed, not the worker
        result.error = f"{type(exc).__name__}: {exc}"[:500]
    finally:
        if conn is not None:
            conn.close()
    elapsed = time.monotonic() - started
    result.latency_ms = int(elapsed * 1000)
    if not result.error and elapsed > timeout:
        result.error = f"Answered after {elapsed:.1f} s, past the {timeout:g} s limit."
    return result
