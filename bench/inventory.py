"""Inventory benchmark: posting latency through stock_movement_post over a 100,000-movement ledger,
and the in-process balance read for one facility and item (target <= 2 ms p50).

Run: .venv/bin/python bench/inventory.py [--postings 3000] [--reads 5000] [--write]
(uses DATABASE_URL / REDIS_URL like the app; creates or resets silo `benchinv`). --write puts the
figures into BENCHMARKS.md's inventory section.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cashsheet.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from inventory import selectors, services  # noqa: E402
from inventory.models import Facility, Item, Lot, StockDay, StockMovement  # noqa: E402
from inventory.services.rebuild import stock_rebuild  # noqa: E402

SLUG = "benchinv"
FACILITIES, ITEMS, MOVEMENTS = 3, 100, 100_000
START = date(2025, 1, 1)
DAYS = 365
CENT, MILL = Decimal("0.01"), Decimal("0.0001")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(values_ms: list[float]) -> str:
    return f"p50 {statistics.median(values_ms):.2f} ms, p99 {pct(values_ms, 0.99):.2f} ms (n={len(values_ms)})"


def silo_ready():
    from silos.api_testing import ensure_silos

    call_command("migrate_schemas", shared=True, verbosity=0)
    silo = ensure_silos({SLUG: "Inventory benchmark"})[SLUG]
    connection.set_tenant(silo)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE inventory_stockmovement, inventory_stockday, inventory_stockbalance, inventory_reservation, "
            "inventory_lotday, inventory_lotbalance, inventory_lotedge, inventory_lothold, inventory_lot, "
            "inventory_cuttingpatternoutput, inventory_cuttingpattern_facilities, inventory_cuttingpattern, "
            "inventory_transferlane, inventory_item, inventory_facility RESTART IDENTITY CASCADE"
        )
    return silo


def bulk_setup(rng: random.Random) -> tuple[list[Facility], list[Item]]:
    """100,000 movements written in bulk (not timed), then the kept tables derived with SQL."""
    facilities = Facility.objects.bulk_create(
        [Facility(code=f"BF{n}", name=f"Bench plant {n}", can_break=True) for n in range(FACILITIES)]
    )
    items = Item.objects.bulk_create(
        [
            Item(
                imps_code=f"B{n:03d}",
                description=f"Bench item {n}",
                category="subprimal",
                standard_cost_per_lb=Decimal("5.0000"),
            )
            for n in range(ITEMS)
        ]
    )
    # One lot per pair holds the history (as the migration's opening lots do); postings add lots of their own.
    lots = {
        (lot.facility_id, lot.item_id): lot
        for lot in Lot.objects.bulk_create(
            [Lot(facility=f, item=i, code=f"BENCH-{f.code}", origin="opening", pack_date=START, use_by_date=None)
             for f in facilities for i in items]
        )
    }  # fmt: skip
    per_pair = MOVEMENTS // (FACILITIES * ITEMS)
    extra = MOVEMENTS - per_pair * FACILITIES * ITEMS
    rows = []
    for index, (facility, item) in enumerate((f, i) for f in facilities for i in items):
        count = per_pair + (1 if index < extra else 0)
        dates = sorted(START + timedelta(days=rng.randrange(DAYS)) for _ in range(count))
        on_hand, value = Decimal(0), Decimal(0)
        for n, day in enumerate(dates):
            ship = n > 0 and rng.random() < 0.55 and on_hand > 200
            if ship:
                qty = Decimal(rng.randrange(50, int(min(on_hand, 600)))).quantize(CENT)
                avg = (value / on_hand).quantize(MILL, ROUND_HALF_UP)
                moved = -min((qty * avg).quantize(CENT, ROUND_HALF_UP), value)
                rows.append(
                    StockMovement(
                        facility=facility,
                        item=item,
                        lot=lots[(facility.pk, item.pk)],
                        kind="shipment",
                        direction=-1,
                        quantity_lb=qty,
                        effective_date=day,
                        unit_cost_per_lb=avg,
                        value=moved,
                    )
                )
                on_hand, value = on_hand - qty, value + moved
            else:
                qty = Decimal(rng.randrange(300, 1500)).quantize(CENT)
                cost = Decimal(rng.randrange(40000, 60000)) / 10000
                moved = (qty * cost).quantize(CENT, ROUND_HALF_UP)
                rows.append(
                    StockMovement(
                        facility=facility,
                        item=item,
                        lot=lots[(facility.pk, item.pk)],
                        kind="receipt",
                        direction=1,
                        quantity_lb=qty,
                        effective_date=day,
                        unit_cost_per_lb=cost,
                        value=moved,
                    )
                )
                on_hand, value = on_hand + qty, value + moved
    StockMovement.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO inventory_stockday (facility_id, item_id, date, closing_lb, closing_value)
            SELECT facility_id, item_id, effective_date,
                   SUM(SUM(direction * quantity_lb)) OVER w, SUM(SUM(value)) OVER w
            FROM inventory_stockmovement GROUP BY facility_id, item_id, effective_date
            WINDOW w AS (PARTITION BY facility_id, item_id ORDER BY effective_date)
            """
        )
        cursor.execute(
            """
            INSERT INTO inventory_stockbalance (facility_id, item_id, on_hand_lb, value, avg_cost_per_lb,
                                                created_at, updated_at)
            SELECT facility_id, item_id, SUM(direction * quantity_lb), SUM(value),
                   ROUND(SUM(value) / NULLIF(SUM(direction * quantity_lb), 0), 4), now(), now()
            FROM inventory_stockmovement GROUP BY facility_id, item_id
            """
        )
        cursor.execute(
            """
            INSERT INTO inventory_lotday (lot_id, facility_id, date, closing_lb)
            SELECT lot_id, facility_id, effective_date, SUM(SUM(direction * quantity_lb)) OVER w
            FROM inventory_stockmovement GROUP BY lot_id, facility_id, effective_date
            WINDOW w AS (PARTITION BY lot_id, facility_id ORDER BY effective_date)
            """
        )
        cursor.execute(
            """
            INSERT INTO inventory_lotbalance (lot_id, facility_id, on_hand_lb, created_at, updated_at)
            SELECT lot_id, facility_id, SUM(direction * quantity_lb), now(), now()
            FROM inventory_stockmovement GROUP BY lot_id, facility_id
            """
        )
    with connection.cursor() as cursor:
        # Vacuum now, so autovacuum does not wake up on the fresh 100k rows in the middle of a timing.
        cursor.execute(
            "VACUUM ANALYZE inventory_stockmovement, inventory_stockday, inventory_stockbalance, inventory_lotday, "
            "inventory_lotbalance, inventory_lot"
        )
    return facilities, items


REFUSED: dict[date, int] = {}


def time_postings(rng, facilities, items, n: int, on: date) -> list[float]:
    out = []
    for k in range(n):
        facility, item = rng.choice(facilities), rng.choice(items)
        kwargs = {"facility": facility, "item": item, "effective_date": on}
        if k % 3 == 0:
            kwargs.update(kind="receipt", quantity_lb=Decimal("400.00"), unit_cost_per_lb=Decimal("5.2500"))
        else:
            kwargs.update(kind="shipment", quantity_lb=Decimal("25.00"))
        started = time.perf_counter()
        try:
            # Receipts into a new lot each; shipments first-expired-first-out, as an unnamed API shipment.
            (services.stock_movement_post if k % 3 == 0 else services.stock_issue)(**kwargs)
        except services.InsufficientStock:
            # A refusal is a posting attempt too (same lock and check, then a rollback); counted below.
            REFUSED[on] = REFUSED.get(on, 0) + 1
        out.append((time.perf_counter() - started) * 1000)
    return out


MODES = {False: "SET search_path per query", True: "TENANT_LIMIT_SET_CALLS"}


def interleaved(n: int, block: int, measures: dict[str, object]) -> dict[tuple[str, bool], list[float]]:
    """Run every measure in both django-tenants search_path modes, `block` calls at a time in
    rotation until each has `n`, so load on the shared machine (and autovacuum) falls on all alike."""
    from django.conf import settings

    out: dict[tuple[str, bool], list[float]] = {(name, mode): [] for name in measures for mode in MODES}
    done = 0
    while done < n:
        count = min(block, n - done)
        for name, measure in measures.items():
            for mode in MODES:
                settings.TENANT_LIMIT_SET_CALLS = mode
                out[(name, mode)].extend(measure(count))
        done += count
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=3000)
    parser.add_argument("--reads", type=int, default=5000)
    parser.add_argument("--write", action="store_true", help="Write the figures into BENCHMARKS.md")
    args = parser.parse_args()
    rng = random.Random(20261125)

    silo_ready()
    started = time.perf_counter()
    facilities, items = bulk_setup(rng)
    setup_s = time.perf_counter() - started
    started = time.perf_counter()
    drifts = stock_rebuild(fix=False)
    rebuild_s = time.perf_counter() - started
    assert not drifts, f"bulk setup drifted: {drifts[:3]}"

    total, day_rows = StockMovement.objects.count(), StockDay.objects.count()
    backdate = date(2025, 7, 1)
    shifted = StockDay.objects.filter(date__gt=backdate).count() / (FACILITIES * ITEMS)
    time_postings(rng, facilities, items, 100, date(2026, 1, 14))  # warm-up: connection, caches, plans
    postings = interleaved(
        args.postings,
        50,
        {
            "current": lambda n: time_postings(rng, facilities, items, n, date(2026, 1, 15)),
            "backdated": lambda n: time_postings(rng, facilities, items, n, backdate),
        },
    )

    def reads(as_of):
        def measure(n):
            out = []
            for _ in range(n):
                facility, item = rng.choice(facilities), rng.choice(items)
                started = time.perf_counter()
                selectors.stock_on_hand(facility=facility, item=item, as_of=as_of)
                out.append((time.perf_counter() - started) * 1000)
            return out

        return measure

    lookups = interleaved(args.reads, 250, {"today": reads(None), "as_of": reads(date(2025, 6, 30))})

    rows = []
    for mode, label in MODES.items():
        rows += [
            _row(
                f"stock_movement_post, dated after all history (1 day row shifted); {label}",
                postings[("current", mode)],
            ),
            _row(
                f"stock_movement_post, backdated to {backdate} (~{shifted:.0f} later day rows shifted); {label}",
                postings[("backdated", mode)],
            ),
            _row(f"stock_on_hand(facility, item) in process, today; {label}", lookups[("today", mode)]),
            _row(f"stock_on_hand(facility, item, as_of=2025-06-30) in process; {label}", lookups[("as_of", mode)]),
        ]
    worst_read = max(statistics.median(lookups[("today", mode)]) for mode in MODES)
    lines = [
        f"Command: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/cs_inventory .venv/bin/python bench/inventory.py "
        f"{' '.join(sys.argv[1:])}` ({platform.python_version()}, PostgreSQL on 127.0.0.1, shared 2-core machine, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}).",
        "",
        f"Ledger: {total:,} movements over {FACILITIES} facilities x {ITEMS} items, "
        f"{day_rows:,} day rows; bulk setup {setup_s:.1f} s (not timed below); "
        f"`stock_rebuild(fix=False)` over it {rebuild_s:.2f} s, 0 drift. Refused (409) among the timed "
        f"postings: {REFUSED.get(date(2026, 1, 15), 0)} of {2 * args.postings} current, "
        f"{REFUSED.get(backdate, 0)} of {2 * args.postings} backdated (a backdated shipment is "
        "refused when a later day's closing is below it).",
        "",
        "| Measurement | p50 | p99 | n |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Balance read target <= 2 ms p50: {'met' if worst_read <= 2 else 'MISSED'} ({worst_read:.2f} ms in the "
        "slower mode). Each posting is one transaction (lock balance row, check later days, write movement, "
        "shift day rows, update balance); a third are receipts, the rest 25 lb shipments. The two django-tenants "
        "modes and the two kinds of posting (and of read) run in rotating blocks of 50 postings / 250 reads, so "
        "all see the same machine load; "
        "`TENANT_LIMIT_SET_CALLS` (one `SET search_path` per connection instead of one per query) is what "
        "main's settings use. The machine is shared with other builds: figures vary between runs.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(text)


def _row(label: str, values: list[float]) -> str:
    return f"| {label} | {statistics.median(values):.2f} ms | {pct(values, 0.99):.2f} ms | {len(values)} |"


def write_section(text: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    content = path.read_text()
    heading = "## Inventory: posting movements and reading balances"
    pattern = re.compile(re.escape(heading) + r"\n.*?(?=\n## |\Z)", re.S)
    path.write_text(pattern.sub(lambda _: f"{heading}\n\n{text}\n", content, count=1))


if __name__ == "__main__":
    main()
