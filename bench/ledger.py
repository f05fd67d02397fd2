"""Ledger benchmark: statements over 1,000,000 journal lines, and posting a 20-line invoice.

    DATABASE_URL=... .venv/bin/python bench/ledger.py [--lines 1000000] [--runs 30] [--posts 200] [--write]

Uses a dedicated silo `benchledger` (created on first run; its lines are bulk-loaded with COPY and kept
for later runs). Targets: trial balance and balance sheet each < 1 s; invoice_post p50 < 30 ms in process.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cashsheet.settings")

SLUG = "benchledger"


def localdate() -> date:
    from django.utils import timezone

    return timezone.localdate()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load_lines(target: int) -> float:
    """Bulk-load balanced two-line entries with COPY until the silo has `target` lines."""
    from django.db import connection

    from ledger.models import Account, JournalEntry, JournalLine, Sequence

    have = JournalLine.objects.count()
    if have >= target:
        return 0.0
    started = time.perf_counter()
    entries = (target - have) // 2
    accounts = list(
        Account.objects.exclude(role__in=["accounts_receivable", "accounts_payable"]).values_list("pk", flat=True)
    )
    rng = random.Random(7)
    today = localdate()
    first_id = (JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_number = (JournalEntry.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    days = [today - timedelta(days=d) for d in range(3 * 365)]
    entry_t, line_t = JournalEntry._meta.db_table, JournalLine._meta.db_table
    raw = connection.connection if connection.connection else (connection.ensure_connection() or connection.connection)
    with raw.cursor() as cursor:
        with cursor.copy(
            f"COPY {entry_t} (id, number, entry_date, memo, source, created_at, updated_at) FROM STDIN"
        ) as copy:
            now = time.strftime("%Y-%m-%d %H:%M:%S+00")
            for i in range(entries):
                copy.write_row((first_id + i, first_number + i, days[i % len(days)], "bench", "manual", now, now))
        with cursor.copy(f"COPY {line_t} (entry_id, account_id, entry_date, debit, credit, memo) FROM STDIN") as copy:
            for i in range(entries):
                amount = Decimal(rng.randrange(100, 5_000_000)) / 100
                debit_acct, credit_acct = rng.sample(accounts, 2)
                when = days[i % len(days)]
                copy.write_row((first_id + i, debit_acct, when, amount, 0, ""))
                copy.write_row((first_id + i, credit_acct, when, 0, amount, ""))
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{entry_t}', 'id'), (SELECT max(id) FROM {entry_t}))")
    raw.commit() if not raw.autocommit else None
    Sequence.objects.update_or_create(name="journal_entry", defaults={"value": first_number + entries - 1})
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {entry_t}")
        cursor.execute(f"VACUUM ANALYZE {line_t}")
    return time.perf_counter() - started


def time_runs(fn, runs: int) -> list[float]:
    fn()  # warm the caches and the plan
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--write", action="store_true", help="write the figures into BENCHMARKS.md")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from ledger import reports, services
    from ledger.models import JournalLine
    from parties.selectors import customer_list
    from parties.services import customer_create
    from silos.api_testing import ensure_silos

    silo = ensure_silos({SLUG: "Ledger Benchmark"})[SLUG]
    connection.set_tenant(silo)
    load_s = load_lines(args.lines)
    lines = JournalLine.objects.count()
    as_of = {"as_of": localdate().isoformat()}
    tb = time_runs(lambda: reports.trial_balance(as_of), args.runs)
    tb_mid = time_runs(
        lambda: reports.trial_balance({"as_of": (localdate() - timedelta(days=540)).isoformat()}), args.runs
    )
    bs = time_runs(lambda: reports.balance_sheet(as_of), args.runs)
    assert reports.trial_balance(as_of)["balanced"] and reports.balance_sheet(as_of)["balanced"]

    customer = customer_list().filter(code="BENCH").first() or customer_create(code="BENCH", name="Bench Customer")
    rng = random.Random(11)
    create_ms, post_ms = [], []
    for _ in range(args.posts):
        line_dicts = [
            {"description": f"Cut {i}", "quantity_lb": Decimal(rng.randrange(1000, 90000)) / 100,
             "price_per_lb": Decimal(rng.randrange(20000, 200000)) / 10000}
            for i in range(20)
        ]  # fmt: skip
        started = time.perf_counter()
        invoice = services.invoice_create(customer=customer, invoice_date=localdate(), lines=line_dicts)
        mid = time.perf_counter()
        services.invoice_post(invoice=invoice)
        create_ms.append((mid - started) * 1000)
        post_ms.append((time.perf_counter() - mid) * 1000)

    def fmt(values):
        return f"median {statistics.median(values):.1f} ms, p99 {pct(values, 99):.1f} ms"

    command = "DATABASE_URL=postgres://... .venv/bin/python bench/ledger.py --write"
    report = "\n".join(
        [
            f"Silo `{SLUG}` with {lines:,} journal lines (COPY bulk load of the missing lines: "
            f"{load_s:.1f} s this run). Command: `{command}` ({args.runs} runs per report, {args.posts} invoices).",
            "",
            "| Measure | Figure | Target |",
            "|---|---|---|",
            f"| Trial balance, as of today (all lines) | {fmt(tb)} | < 1 s |",
            f"| Trial balance, as of 18 months ago | {fmt(tb_mid)} | < 1 s |",
            f"| Balance sheet, as of today | {fmt(bs)} | < 1 s |",
            f"| `invoice_post` of a 20-line invoice (in process) | {fmt(post_ms)} | p50 < 30 ms |",
            f"| `invoice_create` of a 20-line invoice (in process) | {fmt(create_ms)} | (no target) |",
            "",
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} while other engineers' jobs shared the "
            "2 cores.",
        ]
    )
    print(report)
    if args.write:
        path = BASE_DIR / "BENCHMARKS.md"
        text = path.read_text()
        heading = "## Ledger: posting and statements at 1,000,000 journal lines\n"
        start = text.index(heading) + len(heading)
        end = text.find("\n## ", start)
        end = len(text) if end == -1 else end
        path.write_text(text[:start] + "\n" + report + "\n" + text[end:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
