"""The embedded path end to end: no DATABASE_URL/REDIS_URL → real embedded PostgreSQL and Redis.

Starts both in a temporary folder, migrates, creates a silo and a token, serves one request over
HTTP with gunicorn, and stops the servers.
"""

import os
import subprocess
import sys
import time

import pytest
import requests

from cashsheet.testing.servers import BASE_DIR, free_port


@pytest.mark.slow
def test_embedded_services_serve_a_request(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env["CASHSHEET_EMBEDDED_DIR"] = str(tmp_path)

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    server = None
    try:
        manage("migrate_schemas", "--shared", "--verbosity", "0")
        assert "created silo emb" in manage("create_silo", "emb", "--name", "Embedded")
        raw = manage("create_token", "--silo", "emb", "--user", "admin", "--name", "t").strip().splitlines()[-1]
        assert (tmp_path / "pg" / "PG_VERSION").exists()
        assert (tmp_path / "redis" / "redis.sock").exists()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cashsheet.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "gunicorn exited"
            try:
                ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.1)
        assert ready.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
        response = requests.get(
            f"http://127.0.0.1:{port}/api/v2/customers/",
            headers={"Host": "emb.localhost", "Authorization": f"Bearer {raw}"},
            timeout=5,
        )
        assert response.status_code == 200
        assert response.json()["count"] == 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"from cashsheet import embedded; from pathlib import Path; embedded.stop(Path({str(tmp_path)!r}))",
            ],
            cwd=BASE_DIR,
            env=env,
            timeout=60,
        )
    assert not (tmp_path / "pg" / "postmaster.pid").exists()


def test_importing_settings_starts_no_server(tmp_path):
    """`manage.py check` (and so pytest's collection, the image build) never starts the embedded servers:
    they start on the first database connection."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env["CASHSHEET_EMBEDDED_DIR"] = str(tmp_path)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert list(tmp_path.iterdir()) == []  # no pg/ nor redis/ folder: nothing was started
    assert time.monotonic() - started < 60
