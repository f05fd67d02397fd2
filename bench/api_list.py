"""Foundation benchmarks: silo creation time, and a list endpoint over HTTP with gunicorn + wrk.

Usage: .venv/bin/python bench/api_list.py [--seconds 15] [--silo-runs 20] [--cpu-requests N]

--cpu-requests N: only the CPU one list request costs in this process (Django's WSGI handler, no HTTP, no
wrk), averaged over N requests at page_size 25: a figure that a busy machine disturbs far less than req/s,
to compare two versions of the code (run each in turn, several times).
Uses DATABASE_URL / REDIS_URL (or the embedded servers) and a silo `benchapi` it creates once.
"""

from __future__ import annotations

import argparse
import time

from common import percentile, setup, summary_ms, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--silo-runs", type=int, default=20)
    parser.add_argument("--cpu-requests", type=int, default=0)
    args = parser.parse_args()
    setup()
    if args.cpu_requests:
        cpu_per_request(args.cpu_requests)
        return

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from cashsheet.testing.servers import Gunicorn, child_env, database_url
    from parties.models import Customer
    from silos.members.services import token_create
    from silos.models import Plan, Silo
    from silos.services import silo_create, silo_delete, silo_template_ensure

    # --- silo creation -----------------------------------------------------------------------------
    silo_template_ensure()
    durations = []
    for i in range(args.silo_runs):
        slug = f"benchsilo{i}"
        for old in Silo.objects.filter(schema_name=slug):
            silo_delete(silo=old)
        started = time.perf_counter()
        silo = silo_create(slug=slug, name=f"Bench {i}")
        durations.append(time.perf_counter() - started)
        silo_delete(silo=silo)
    print(f"silo_create: {summary_ms(durations)}")

    # --- list endpoint -------------------------------------------------------------------------------
    silo = Silo.objects.filter(schema_name="benchapi").first() or silo_create(slug="benchapi", name="Bench API")
    # The benchmark measures the API, not the per-token rate limit: give the silo a plan far above it.
    plan, _ = Plan.objects.get_or_create(
        name="bench-unlimited", defaults={"requests_per_minute": 10**8, "burst_per_second": 10**7}
    )
    Silo.objects.filter(pk=silo.pk).update(plan=plan)
    with schema_context("benchapi"):
        if Customer.objects.count() < 1000:
            Customer.objects.bulk_create(
                [
                    Customer(code=f"B{i:05d}", name=f"Bench customer {i}", email=f"c{i}@bench.example.com")
                    for i in range(1000)
                ],
                ignore_conflicts=True,
            )
        admin = get_user_model().objects.get(username="admin")
        _, raw = token_create(user=admin, name="bench")
        client = Client(HTTP_HOST=silo.host)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        client.get("/api/v2/customers/", **headers)
        counts = {}
        for size in (25, 200):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/api/v2/customers/?page_size={size}", **headers).status_code == 200
            counts[size] = len(queries)
    connection.set_schema_to_public()

    server = Gunicorn(workers=2, env=child_env(DATABASE_URL=database_url(), DEBUG="0")).start()
    try:
        results = {}
        for size in (25, 200):
            url = f"{server.url}/api/v2/customers/?page_size={size}"
            wrk(url, {"Host": silo.host, "Authorization": f"Bearer {raw}"}, seconds=3)  # warm-up
            results[size] = wrk(url, {"Host": silo.host, "Authorization": f"Bearer {raw}"}, seconds=args.seconds)
    finally:
        server.stop()
    print("| page_size | req/s | p50 | p99 | non-2xx | SQL queries per request |")
    print("|---|---|---|---|---|---|")
    for size, r in results.items():
        cells = [size, f"{r['rps']:.0f}", f"{r['p50_ms']:.1f} ms", f"{r['p99_ms']:.1f} ms", r["non_2xx"], counts[size]]
        print("| " + " | ".join(str(c) for c in cells) + " |")
    print(f"wrk command: {results[25]['command'].replace(raw, '<token>')}")
    print(f"silo creation p50 {percentile([d * 1000 for d in durations], 50):.0f} ms")


def cpu_per_request(n: int) -> None:
    import io
    import sys

    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django_tenants.utils import schema_context

    from silos.members.services import token_create
    from silos.models import Plan, Silo
    from silos.services import silo_create

    silo = Silo.objects.filter(schema_name="benchapi").first() or silo_create(slug="benchapi", name="Bench API")
    plan, _ = Plan.objects.get_or_create(
        name="bench-unlimited", defaults={"requests_per_minute": 10**8, "burst_per_second": 10**7}
    )
    Silo.objects.filter(pk=silo.pk).update(plan=plan)
    with schema_context("benchapi"):
        from parties.models import Customer

        if Customer.objects.count() < 1000:
            Customer.objects.bulk_create(
                [
                    Customer(code=f"B{i:05d}", name=f"Bench customer {i}", email=f"c{i}@bench.example.com")
                    for i in range(1000)
                ],
                ignore_conflicts=True,
            )
        _, raw = token_create(user=get_user_model().objects.get(username="admin"), name="bench-cpu")
    connection.set_schema_to_public()
    handler = WSGIHandler()
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/v2/customers/",
        "QUERY_STRING": "page_size=25",
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
        "HTTP_HOST": silo.host,
        "HTTP_AUTHORIZATION": f"Bearer {raw}",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }

    def one():
        def start_response(status, headers):
            assert status.startswith("200"), status

        b"".join(handler({**environ, "wsgi.input": io.BytesIO(b"")}, start_response))

    for _ in range(100):
        one()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        one()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"page_size 25, in process: {cpu / n * 1000:.3f} ms CPU and {wall / n * 1000:.3f} ms wall per request ({n})")


if __name__ == "__main__":
    main()
