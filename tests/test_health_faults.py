"""Health probes against really stopped servers (issue 18): a throwaway PostgreSQL and Redis in a temporary
folder, a real gunicorn pointed at them, then each server stopped (and PostgreSQL started again)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from cashsheet import embedded
from cashsheet.testing.servers import BASE_DIR, Gunicorn, child_env, database_url

pytestmark = pytest.mark.slow


def _get(server: Gunicorn, path: str, host: str = "localhost") -> requests.Response:
    return requests.get(f"{server.url}{path}", headers={"Host": host}, timeout=10)


def _pg_ctl(tmp_path, action: str) -> None:
    """Stop the throwaway server as an operator would (SIGINT: fast shutdown), or start it again from a child
    process (pgserver will not stop a server other live processes hold handles on, and runs it as its own
    user when we are root)."""
    pgdata = tmp_path / "pg"
    if action == "stop":
        os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), signal.SIGINT)
        assert _wait(lambda: not (pgdata / "postmaster.pid").exists(), 30), "PostgreSQL did not stop"
        return
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    code = "from pathlib import Path\nfrom cashsheet import embedded\n"
    code += f"embedded.postgres_settings(Path({str(tmp_path)!r}))"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120, cwd=BASE_DIR)


def _wait(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_probes_with_postgresql_and_redis_really_stopped(tmp_path):
    db = embedded.postgres_settings(tmp_path, name="probe")
    sock = embedded.redis_socket(tmp_path)
    env = child_env(
        DATABASE_URL=database_url(db),
        REDIS_URL=f"unix://{sock}?db=0",
        CELERY_BROKER_URL=f"redis+socket://{sock}",
        CASHSHEET_DB_CONNECT_TIMEOUT="2",
    )
    server = Gunicorn(workers=1, env=env)
    try:
        server.start()
        assert _get(server, "/readyz").json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}

        # PostgreSQL stopped: liveness is untouched, readiness names the database, the API answers 503 JSON.
        _pg_ctl(tmp_path, "stop")
        assert not (tmp_path / "pg" / "postmaster.pid").exists()
        started = time.monotonic()
        health = _get(server, "/healthz", host="blythe.localhost")
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        assert time.monotonic() - started < 1.0
        ready = _get(server, "/readyz")
        assert ready.status_code == 503 and ready.headers["Content-Type"] == "application/json"
        body = ready.json()
        assert body["down"] == ["database"] and body["checks"]["redis"] == "ok"
        assert body["checks"]["database"].startswith("error: ")
        api = _get(server, "/api/v2/customers/", host="blythe.localhost")
        assert api.status_code == 503 and api.json()["code"] == "unavailable" and api.headers["Retry-After"]

        # Started again: the same processes are ready again (a blip, not a restart).
        _pg_ctl(tmp_path, "start")
        assert _wait(lambda: _get(server, "/readyz").status_code == 200)

        # Redis stopped: readiness names it; liveness still 200.
        os.kill(int((tmp_path / "redis" / "redis.pid").read_text().strip()), signal.SIGTERM)
        assert _wait(lambda: _get(server, "/readyz").status_code == 503)
        body = _get(server, "/readyz").json()
        assert body["down"] == ["redis"] and body["checks"]["database"] == "ok"
        assert _get(server, "/healthz").status_code == 200
    finally:
        server.stop()
        if (tmp_path / "pg" / "postmaster.pid").exists():
            _pg_ctl(tmp_path, "stop")
        embedded.stop(tmp_path)
