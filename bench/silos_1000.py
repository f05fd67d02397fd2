"""1,000 silos on one PostgreSQL: creation, one new migration across all, catalogue, worker memory, host lookup.

Usage: DATABASE_URL=postgres://... .venv/bin/python bench/silos_1000.py [--silos 1000] [--touch 200]
       [--old-executor-seconds 180] [--keep] [--write]

Works in a database of its own (DATABASE_URL's name + `_silos`), created fresh and dropped at the end
(unless --keep): a thousand schemas are ~300,000 catalogue rows nobody else should carry. Steps:
1. migrate_all on the empty database (public schema, template), then `--silos` silos with silo_create
   (template cloning), each timed;
2. catalogue size (database, pg_class / pg_attribute / pg_depend rows and bytes);
3. host → silo lookup (SiloMiddleware, uncached and cached) over random hosts of all silos;
4. one gunicorn worker: its memory before and after serving `--touch` silos (a token and two list
   requests each), and again after a second pass;
5. one new migration (a column and an index on webhooks_event, generated as probe migrations after the
   real ones) across every schema with `migrate_all` (silos/migrate.py), then a second probe with
   django-tenants' multiprocessing executor for at most `--old-executor-seconds` (its rate gives the
   time it would take for all), the rest finished by migrate_all; and migrate_all with nothing to do.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from common import ROOT, machine_load, percentile, setup, write_section

PROBE = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("webhooks", "{previous}")]
    operations = [
        migrations.RunSQL(
            "ALTER TABLE webhooks_event ADD COLUMN bench_{name} integer; "
            "CREATE INDEX webhooks_event_bench_{name} ON webhooks_event (bench_{name})",
            "DROP INDEX webhooks_event_bench_{name}; ALTER TABLE webhooks_event DROP COLUMN bench_{name}",
        )
    ]
"""


def own_database(base_url: str) -> str:
    """Create a fresh `<name>_silos` database next to DATABASE_URL's and return its URL."""
    import psycopg

    parts = urlparse(base_url)
    name = parts.path.lstrip("/") + "_silos"
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def probe_packages(root: Path) -> None:
    """cs_probe_a: webhooks' migrations + probe a; cs_probe_b: + probe b."""
    source = ROOT / "webhooks" / "migrations"
    real = sorted(p for p in source.glob("[0-9]*.py"))
    last = real[-1].stem
    number = int(last.split("_")[0])
    for package, probes in (("cs_probe_a", ["a"]), ("cs_probe_b", ["a", "b"])):
        target = root / package
        target.mkdir(parents=True)
        (target / "__init__.py").write_text("")
        for path in real:
            shutil.copy(path, target / path.name)
        previous = last
        for offset, name in enumerate(probes, start=1):
            stem = f"{number + offset:04d}_bench_probe_{name}"
            (target / f"{stem}.py").write_text(PROBE.format(previous=previous, name=name))
            previous = stem


def manage(args: list[str], env: dict, timeout: float | None = None) -> tuple[float, str, bool]:
    """Run manage.py in its own process group; (seconds, output, finished). A timeout ends that group."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
        finished = True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        finished = False
    return time.perf_counter() - started, out, finished


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--silos", type=int, default=1000)
    parser.add_argument("--touch", type=int, default=200)
    parser.add_argument("--old-executor-seconds", type=float, default=180)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--write", action="store_true", help="write the figures into BENCHMARKS.md")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("set DATABASE_URL (a PostgreSQL server this benchmark may create a database on)")
    url = own_database(base_url)
    os.environ["DATABASE_URL"] = url
    loads = [machine_load()]
    try:
        lines = run(args, url, loads)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section("1,000 silos", text)


def run(args, url: str, loads: list[str]) -> list[str]:
    setup()
    import psutil
    import requests
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import schema_context

    from cashsheet.api.middleware import SiloMiddleware
    from cashsheet.testing.servers import Gunicorn, child_env
    from silos.members.services import token_create
    from silos.models import Silo
    from silos.services import silo_create

    wall = time.perf_counter()
    call_command("migrate_all", verbosity=0)

    # 1. creation ------------------------------------------------------------------------------
    durations = []
    started = time.perf_counter()
    for i in range(args.silos):
        t0 = time.perf_counter()
        silo_create(slug=f"s{i:04d}", name=f"Silo {i}")
        durations.append(time.perf_counter() - t0)
        if (i + 1) % 100 == 0:
            print(f"  {i + 1} silos, last 100 p50 {statistics.median(durations[-100:]) * 1000:.0f} ms", flush=True)
    create_total = time.perf_counter() - started
    loads.append(machine_load())
    ms = [d * 1000 for d in durations]
    first, last = ms[: min(100, len(ms))], ms[-min(100, len(ms)) :]

    # 2. catalogue -------------------------------------------------------------------------------
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        db_bytes = cursor.fetchone()[0]
        catalogue = {}
        for table in ("pg_class", "pg_attribute", "pg_depend", "pg_constraint", "pg_index"):
            cursor.execute(f"SELECT count(*), pg_total_relation_size('pg_catalog.{table}') FROM pg_catalog.{table}")
            catalogue[table] = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_namespace")
        schemas = cursor.fetchone()[0]

    # 3. host -> silo lookup ----------------------------------------------------------------------
    middleware = SiloMiddleware(lambda request: None)
    hosts = [s.host for s in Silo.objects.exclude(schema_name="_template")]
    sample = [random.choice(hosts) for _ in range(2000)]
    uncached = []
    for host in sample:
        SiloMiddleware.forget()
        t0 = time.perf_counter()
        assert middleware._lookup(host) is not None
        uncached.append((time.perf_counter() - t0) * 1000)
    for host in sample:  # warm: every host once (the cache is an LRU of CASHSHEET_SILO_CACHE_SIZE hosts)
        middleware._lookup(host)
    cached = []
    for host in sample:
        t0 = time.perf_counter()
        middleware._lookup(host)
        cached.append((time.perf_counter() - t0) * 1000)
    SiloMiddleware.forget()
    connection.set_schema_to_public()

    # 4. one web worker touching many silos ---------------------------------------------------------
    touched = hosts[: args.touch]
    tokens = {}
    for host in touched:
        slug = host.split(".")[0]
        with schema_context(slug):
            _, tokens[host] = token_create(user=get_user_model().objects.get(username="admin"), name="bench")
    connection.set_schema_to_public()
    server = Gunicorn(workers=1, env=child_env(DATABASE_URL=url, DEBUG="0")).start()
    try:
        worker = psutil.Process(server.proc.pid).children()[0]

        def touch_all() -> list[float]:
            times = []
            for host in touched:
                headers = {"Host": host, "Authorization": f"Bearer {tokens[host]}"}
                t0 = time.perf_counter()
                for path in ("/api/v2/customers/", "/api/v2/invoices/?page_size=5"):
                    assert requests.get(server.url + path, headers=headers, timeout=30).status_code == 200
                times.append((time.perf_counter() - t0) * 1000 / 2)
            return times

        def memory() -> tuple[float, float]:
            info = worker.memory_full_info()
            return info.rss / 2**20, info.uss / 2**20

        headers = {"Host": touched[0], "Authorization": f"Bearer {tokens[touched[0]]}"}
        for _ in range(20):
            requests.get(server.url + "/api/v2/customers/", headers=headers, timeout=30)
        mem_one = memory()
        first_pass = touch_all()
        mem_touched = memory()
        second_pass = touch_all()
        mem_again = memory()
    finally:
        server.stop()
    loads.append(machine_load())

    # 5. one new migration across every schema -------------------------------------------------------
    probe_dir = Path(tempfile.mkdtemp(prefix="cs-probe-"))
    try:
        probe_packages(probe_dir)
        env = child_env(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="probe_settings", CASHSHEET_PROBE_DIR=str(probe_dir))
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(probe_dir), str(ROOT)])
        count = len(hosts) + 1  # every silo and the template
        env_a = {**env, "CASHSHEET_PROBE_MODULE": "cs_probe_a"}
        new_s, new_out, ok = manage(["migrate_all", "--verbosity", "1"], env_a)
        assert ok and "0 failed" in new_out, new_out[-3000:]
        noop_s, noop_out, ok = manage(["migrate_all"], env_a)
        assert ok, noop_out[-3000:]
        env_b = {**env, "CASHSHEET_PROBE_MODULE": "cs_probe_b"}
        old_s, old_out, old_finished = manage(
            ["migrate_all", "--executor", "multiprocessing"], env_b, timeout=args.old_executor_seconds
        )
        with connection.cursor() as cursor:
            done = 0
            for schema in ["_template"] + [h.split(".")[0] for h in hosts]:
                cursor.execute(
                    f'SELECT count(*) FROM "{schema}".django_migrations WHERE name LIKE %s', ["%bench_probe_b"]
                )
                done += cursor.fetchone()[0]
        rest_s, rest_out, ok = manage(["migrate_all"], env_b)
        assert ok and "0 failed" in rest_out, rest_out[-3000:]
    finally:
        shutil.rmtree(probe_dir, ignore_errors=True)
    loads.append(machine_load())
    old_rate = done / old_s if done else float("nan")

    # report -----------------------------------------------------------------------------------------
    mb = 2**20
    command = "DATABASE_URL=postgres://postgres@127.0.0.1:5432/cashsheet_scale .venv/bin/python bench/silos_1000.py"
    if args.silos != 1000:
        command += f" --silos {args.silos}"
    command += " --write"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return [
        f"Command: `{command}` (its own database, dropped afterwards; {when}, "
        f"PostgreSQL of this machine, 2 cores shared with other engineers' test suites: load average "
        f"{' → '.join(loads)} across the steps; whole run {time.perf_counter() - wall:.0f} s).",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| silos created (silo_create: template clone, admin user, chart of accounts) | {args.silos} in "
        f"{create_total:.0f} s |",
        f"| per silo p50 / p99 / max | {statistics.median(ms):.0f} / {percentile(ms, 99):.0f} / {max(ms):.0f} ms |",
        f"| per silo p50, first 100 → last 100 | {statistics.median(first):.0f} → {statistics.median(last):.0f} ms |",
        f"| database size | {db_bytes / mb:.0f} MiB ({schemas} schemas) |",
        *(f"| {name} | {rows:,} rows, {size / mb:.0f} MiB |" for name, (rows, size) in catalogue.items()),
        f"| host → silo lookup, uncached (one indexed query) p50 / p99 | {statistics.median(uncached):.2f} / "
        f"{percentile(uncached, 99):.2f} ms |",
        f"| host → silo lookup, cached in process p50 / p99 | {statistics.median(cached) * 1000:.1f} / "
        f"{percentile(cached, 99) * 1000:.1f} µs |",
        f"| web worker RSS / USS after 1 silo | {mem_one[0]:.0f} / {mem_one[1]:.0f} MiB |",
        f"| … after touching {len(touched)} silos (2 list requests each) | {mem_touched[0]:.0f} / "
        f"{mem_touched[1]:.0f} MiB |",
        f"| … after a second pass over them | {mem_again[0]:.0f} / {mem_again[1]:.0f} MiB |",
        f"| request to a silo the worker has not served yet / has, p50 | {statistics.median(first_pass):.1f} / "
        f"{statistics.median(second_pass):.1f} ms |",
        f"| migrate_all, one new migration over {count} schemas (silos executor, 2 processes) | {new_s:.0f} s |",
        f"| migrate_all with nothing to apply | {noop_s:.1f} s |",
        f"| django-tenants multiprocessing executor, same kind of migration | {done} schemas in {old_s:.0f} s"
        f"{'' if old_finished else ' (stopped)'}: {old_rate:.2f} schemas/s → {count / old_rate:.0f} s for all |",
        f"| migrate_all finishing the rest ({count - done} schemas) | {rest_s:.0f} s |",
    ]


if __name__ == "__main__":
    main()
