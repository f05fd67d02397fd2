"""Health probes, answered before silo routing so that neither depends on the host → silo lookup.

- ``/healthz``: the process is up and serving. Touches neither PostgreSQL nor Redis (a liveness probe
  must not restart web processes because the database blinked).
- ``/readyz``: PostgreSQL and Redis answer within a short timeout; otherwise 503 naming what is down,
  e.g. ``{"status": "unavailable", "down": ["database"], "checks": {"database": "error: OperationalError",
  "redis": "ok"}}``. Exception classes are named, never their messages (which carry hosts and users).
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

PATHS = frozenset({"/healthz", "/readyz", "/healthz/", "/readyz/"})
PROBE_TIMEOUT_S = 2.0

_probe: tuple[str, object] | None = None
_probe_lock = threading.Lock()


def _redis_probe():
    """One client per process with short timeouts: the probe must answer fast when Redis is gone."""
    global _probe
    url = settings.REDIS_URL
    with _probe_lock:
        if _probe is None or _probe[0] != url:
            import redis

            client = redis.Redis.from_url(url, socket_connect_timeout=PROBE_TIMEOUT_S, socket_timeout=PROBE_TIMEOUT_S)
            _probe = (url, client)
        return _probe[1]


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        # A broken connection is not reused by the next probe: it reconnects (or fails fast again).
        connection.close()
        return f"error: {exc.__class__.__name__}"


def _check_redis() -> str:
    try:
        _redis_probe().ping()
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"


def healthz(request) -> JsonResponse:
    """The process is up. No database, no Redis: a load balancer's liveness probe."""
    return JsonResponse({"status": "ok"})


def readyz(request) -> JsonResponse:
    """Database and Redis reachable: a readiness probe (503 naming what is down)."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    down = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "unavailable" if down else "ok", "checks": checks}
    if down:
        body["down"] = down
        body["detail"] = f"Not ready: {', '.join(down)} unreachable."
    response = JsonResponse(body, status=503 if down else 200)
    if down:
        response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    """First in MIDDLEWARE: answers the probes on any host before routing, rate limits or sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in PATHS and request.method in ("GET", "HEAD"):
            return healthz(request) if request.path.startswith("/healthz") else readyz(request)
        return self.get_response(request)
