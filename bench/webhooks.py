"""Webhook delivery benchmark: throughput with one worker process, and commit-to-receipt delay at 50 events/s.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/webhooks.py [--events 2000] [--rate 50] [--seconds 20]

Runs against the development database (silo `benchwh`, created if missing), a real `celery worker`
(one process, prefork concurrency 2 by default) and an HTTP receiver on 127.0.0.1 in this process.
Prints the figures and the command; --write puts them in BENCHMARKS.md's webhook section.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cashsheet.settings")
os.environ.setdefault("CASHSHEET_WEBHOOK_ALLOW_PRIVATE", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SILO = "benchwh"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


class Receiver:
    def __init__(self):
        self.arrivals: dict[str, float] = {}
        self.count = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now = time.time()
                with receiver.lock:
                    receiver.count += 1
                    receiver.arrivals.setdefault(self.headers["X-CashSheet-Event-Id"], now)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        # A deep listen backlog, as any production server has: the default 5 drops SYNs under a burst.
        ThreadingHTTPServer.request_queue_size = 256
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait(self, ids: set[str], timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if ids <= self.arrivals.keys():
                    return max(self.arrivals[i] for i in ids)
            time.sleep(0.01)
        raise SystemExit(f"only {len(ids & self.arrivals.keys())}/{len(ids)} delivered in {timeout}s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from cashsheet.testing.servers import CeleryWorker, child_env
    from silos.api_testing import ensure_silos
    from webhooks.models import Event, WebhookEndpoint
    from webhooks.services import endpoint_create, event_emit

    call_command("migrate_schemas", "--shared", verbosity=0)
    call_command("migrate_schemas", verbosity=0)
    ensure_silos({SILO: "Bench Webhooks"})
    receiver = Receiver()
    worker = CeleryWorker(concurrency=args.concurrency, env=child_env(LOG_LEVEL="WARNING"))
    from cashsheet.celery import app

    app.control.purge()
    with schema_context(SILO):
        WebhookEndpoint.objects.all().delete()
        Event.objects.all().delete()
        endpoint_create(url=receiver.url, events=["*"], description="bench receiver")
    worker.start()
    try:
        with schema_context(SILO):
            # Warm-up: the worker's processes open their database connections.
            with transaction.atomic():
                warm = {event_emit(event_type="ping", obj={"n": i}).id for i in range(50)}
            receiver.wait(warm, 30)

            # 1. Throughput: a batch committed at once, drained by one worker process.
            stamp: list[float] = []
            with transaction.atomic():
                transaction.on_commit(lambda: stamp.append(time.time()))  # runs first, right after COMMIT
                batch = {event_emit(event_type="invoice.posted", obj={"id": i}).id for i in range(args.events)}
            committed, enqueued = stamp[0], time.time()
            print(f"(after-commit hooks queued {args.events} deliveries in {enqueued - committed:.3f}s)")
            last = receiver.wait(batch, 300)
            per_s = args.events / (last - committed)
            print(f"throughput: {args.events} deliveries in {last - committed:.2f}s = {per_s:.0f}/s")

            # 2. Delay from commit to receipt, one event per transaction at a steady rate.
            commits: dict[str, float] = {}
            interval = 1.0 / args.rate
            start = time.monotonic()
            for i in range(int(args.rate * args.seconds)):
                target = start + i * interval
                pause = target - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                with transaction.atomic():
                    transaction.on_commit(lambda: stamp.append(time.time()))
                    event = event_emit(event_type="atp.checked", obj={"n": i})
                commits[event.id] = stamp[-1]
            receiver.wait(set(commits), 120)
            delays = [(receiver.arrivals[k] - t) * 1000 for k, t in commits.items()]
            p50, p99 = statistics.median(delays), percentile(delays, 99)
            print(f"delay at {args.rate:g} events/s: n={len(delays)} p50={p50:.1f} ms p99={p99:.1f} ms")
    finally:
        worker.stop()
        connection.close()
    command = "DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/webhooks.py " + " ".join(sys.argv[1:])
    print(command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
