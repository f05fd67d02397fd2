"""Operations benchmark: completing a 10-output production order (target p50 <= 50 ms) and the inventory
valuation and reconciliation over a 100,000-movement ledger (target < 1 s).

Run: .venv/bin/python bench/operations.py [--completions 60] [--reads 30]
(uses DATABASE_URL / REDIS_URL like the app; creates or resets silo `benchops`). Prints the figures and the
machine load; BENCHMARKS.md quotes them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cashsheet.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from inventory import services  # noqa: E402
from inventory.models import Facility, Item, Lot  # noqa: E402
from operations.selectors import inventory_reconciliation, inventory_valuation  # noqa: E402
from operations.services.production import production_order_complete, production_order_create  # noqa: E402

SLUG = "benchops"
D = Decimal
START = date(2025, 1, 1)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(values_ms: list[float]) -> str:
    return f"p50 {statistics.median(values_ms):.2f} ms, p99 {pct(values_ms, 0.99):.2f} ms (n={len(values_ms)})"


def silo_ready():
    from silos.api_testing import ensure_silos

    call_command("migrate_schemas", shared=True, verbosity=0)
    silo = ensure_silos({SLUG: "Operations benchmark"})[SLUG]
    connection.set_tenant(silo)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE inventory_workdemand, inventory_productionorderinput, inventory_productionorderoutput, "
            "inventory_productionorder, inventory_transferorderlot, inventory_transferorder, "
            "inventory_stockmovement, inventory_stockday, inventory_stockbalance, inventory_reservation, "
            "inventory_lotday, inventory_lotbalance, inventory_lotedge, inventory_lothold, inventory_lot, "
            "inventory_cuttingpatternoutput, inventory_cuttingpattern_facilities, inventory_cuttingpattern, "
            "inventory_transferlane, inventory_item, inventory_facility, ledger_journalline, ledger_journalentry "
            "RESTART IDENTITY CASCADE"
        )
    return silo


def ledger_100k() -> None:
    """100,000 receipts over 3 facilities × 100 items × 365 days, written in SQL (not timed), kept tables derived."""
    facilities = [Facility.objects.create(code=f"OF{n}", name=f"Plant {n}") for n in range(3)]
    items = Item.objects.bulk_create(
        [Item(imps_code=f"O{n:03d}", description=f"Item {n}", category="subprimal") for n in range(100)]
    )
    lots = Lot.objects.bulk_create(
        [
            Lot(facility=f, item=i, code=f"OB-{f.code}", origin="opening", pack_date=START)
            for f in facilities
            for i in items
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO inventory_stockmovement (facility_id, item_id, lot_id, kind, direction, quantity_lb,
              effective_date, unit_cost_per_lb, value, memo, source_type, created_at, updated_at)
            SELECT l.facility_id, l.item_id, l.id, 'receipt', 1, 100, %s::date + (g %% 365), 5, 500, '', '',
                   now(), now()
            FROM unnest(%s::bigint[]) AS x(id) JOIN inventory_lot l ON l.id = x.id,
                 generate_series(1, 333) g
            """,
            [START, [lot.pk for lot in lots]],
        )
        cursor.execute(
            """
            INSERT INTO inventory_stockday (facility_id, item_id, date, closing_lb, closing_value)
            SELECT facility_id, item_id, effective_date, SUM(SUM(quantity_lb)) OVER w, SUM(SUM(value)) OVER w
            FROM inventory_stockmovement GROUP BY facility_id, item_id, effective_date
            WINDOW w AS (PARTITION BY facility_id, item_id ORDER BY effective_date)
            """
        )
        cursor.execute(
            """
            INSERT INTO inventory_stockbalance (facility_id, item_id, on_hand_lb, value, avg_cost_per_lb,
                                                created_at, updated_at)
            SELECT facility_id, item_id, SUM(quantity_lb), SUM(value), 5, now(), now()
            FROM inventory_stockmovement GROUP BY facility_id, item_id
            """
        )
        cursor.execute("SELECT count(*) FROM inventory_stockmovement")
        print(f"ledger: {cursor.fetchone()[0]} movements")


def bench_valuation(reads: int) -> None:
    for label, fn in (
        ("valuation, everything posted", lambda: inventory_valuation()),
        ("valuation as of a date", lambda: inventory_valuation(as_of=START + timedelta(days=200))),
        ("reconciliation (valuation + GL roles)", lambda: inventory_reconciliation()),
    ):
        times = []
        for _ in range(reads):
            started = time.perf_counter()
            rows = fn()
            times.append((time.perf_counter() - started) * 1000)
        print(f"{label}: {summary(times)} ({len(rows)} rows)")


def bench_completion(completions: int) -> None:
    plant = services.facility_create(code="OPS", name="Ops plant", can_break=True)
    carcass = services.item_create(
        imps_code="OPS-IN",
        description="Input",
        category="primal",
        list_price_per_lb=D("4"),
        standard_cost_per_lb=D("3"),
    )
    outs = [
        services.item_create(imps_code=f"OPS-{n}", description=f"Out {n}", category="subprimal",
                             list_price_per_lb=D(3 + n), standard_cost_per_lb=D(2))
        for n in range(10)
    ]  # fmt: skip
    pattern = services.cutting_pattern_create(
        code="OPS-10", input_item=carcass, processing_cost_per_lb=D("0.30"), facilities=[plant],
        outputs=[{"item": item, "yield_fraction": D("0.09")} for item in outs],
    )  # fmt: skip
    from operations.services.perpetual import stock_post_valued

    [receipt] = stock_post_valued(facility=plant, item=carcass, kind="receipt", quantity_lb=D(2000 * completions),
                                  effective_date=timezone.localdate(), unit_cost_per_lb=D("3.1"))  # fmt: skip
    times = []
    for _ in range(completions):
        with transaction.atomic():
            order = production_order_create(
                pattern=pattern, facility=plant, production_date=timezone.localdate(), planned_input_lb=D("1000"),
                inputs=[{"lot": receipt.lot, "quantity_lb": D("1000")}],
            )  # fmt: skip
        outputs = [{"item": item, "actual_lb": D("89.5")} for item in outs]
        started = time.perf_counter()
        with transaction.atomic():
            production_order_complete(order=order, outputs=outputs)
        times.append((time.perf_counter() - started) * 1000)
    print(f"complete a 10-output production order: {summary(times)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--completions", type=int, default=60)
    parser.add_argument("--reads", type=int, default=30)
    args = parser.parse_args()
    silo_ready()
    print(f"load before: {os.getloadavg()}")
    ledger_100k()
    bench_valuation(args.reads)
    bench_completion(args.completions)
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
