"""Lots benchmark: trace forward and backward (target < 1 s p99) and recall, at 100,000 movements and
10,000 lots whose production chains run five steps deep.

Each chain: a received lot is broken into two lots, and each of those is processed four more times (five
production steps); every third step-3 lot also takes a second input from the next chain (a grind of
several lots), so the genealogy is a graph, not a set of trees. The rest of the 100,000 movements are
shipments of the chains' lots on 20,000 sales orders to 300 customers.

Run: .venv/bin/python bench/lots.py [--traces 300] [--write]
(uses DATABASE_URL / REDIS_URL like the app; creates or resets silo `benchlots`). --write puts the figures
into BENCHMARKS.md's lots section.
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
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cashsheet.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from inventory.models import Facility, Item, Lot, LotEdge, StockMovement  # noqa: E402
from parties.models import Customer  # noqa: E402
from sales.models import SalesOrder  # noqa: E402
from sales.reports import recall, trace  # noqa: E402

SLUG = "benchlots"
CHAINS, STEPS, MOVEMENTS = 910, 5, 100_000  # 910 chains x 11 lots = 10,010 lots
START = date(2026, 6, 1)
ORDERS, CUSTOMERS = 20_000, 300


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def silo_ready():
    from silos.api_testing import ensure_silos

    call_command("migrate_schemas", shared=True, verbosity=0)
    silo = ensure_silos({SLUG: "Lots benchmark"})[SLUG]
    connection.set_tenant(silo)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE inventory_stockmovement, inventory_stockday, inventory_stockbalance, inventory_lotday, "
            "inventory_lotbalance, inventory_lotedge, inventory_lothold, inventory_lot, sales_salesorder, "
            "parties_customer, inventory_item, inventory_facility RESTART IDENTITY CASCADE"
        )
    return silo


def bulk_setup(rng: random.Random) -> dict:
    """Lots, edges, movements and orders in bulk (not timed); the kept tables derived with SQL."""
    facility = Facility.objects.create(code="BENCH", name="Bench plant", can_break=True)
    items = Item.objects.bulk_create(
        [Item(imps_code=f"L{n}", description=f"Step {n} item", category="subprimal") for n in range(STEPS + 1)]
    )
    customers = Customer.objects.bulk_create(
        [Customer(code=f"C{n:03d}", name=f"Customer {n}") for n in range(CUSTOMERS)]
    )
    orders = SalesOrder.objects.bulk_create(
        [SalesOrder(number=f"SO-{n:06d}", customer=customers[n % CUSTOMERS], facility=facility, status="shipped",
                    order_date=START, delivery_date=START, ship_date=START) for n in range(1, ORDERS + 1)],
        batch_size=5000,
    )  # fmt: skip
    lots, edges, chains = [], [], []
    for c in range(CHAINS):
        root = Lot(code=f"R{c}", item=items[0], facility=facility, origin="receipt", pack_date=START)
        branches = [
            [Lot(code=f"P{c}-{b}-{s}", item=items[s], facility=facility, origin="production",
                 pack_date=START + timedelta(days=s)) for s in range(1, STEPS + 1)]
            for b in range(2)
        ]  # fmt: skip
        lots += [root] + branches[0] + branches[1]
        chains.append((root, branches))
    Lot.objects.bulk_create(lots, batch_size=5000)
    movements = []
    lb = Decimal("1000.00")

    def move(lot, kind, direction, qty, day, **extra):
        movements.append(StockMovement(facility=facility, item=lot.item, lot=lot, kind=kind, direction=direction,
                                       quantity_lb=qty, effective_date=START + timedelta(days=day), value=Decimal(0),
                                       **extra))  # fmt: skip

    for c, (root, branches) in enumerate(chains):
        move(root, "receipt", 1, lb, 0)
        for b, branch in enumerate(branches):
            parent = root
            for s, lot in enumerate(branch, start=1):
                share = lb if parent is root else lb / 2
                edges.append(LotEdge(parent=parent, child=lot, quantity_lb=share / 2 if parent is root else share))
                move(parent, "production_input", -1, share / 2 if parent is root else share / 2, s)
                move(lot, "production_output", 1, share / 2, s)
                if s == 3 and c % 3 == 0 and b == 0:  # a grind: a second input from the next chain's step 2
                    other = chains[(c + 1) % CHAINS][1][0][1]
                    edges.append(LotEdge(parent=other, child=lot, quantity_lb=Decimal("10.00")))
                parent = lot
    shippable = [lot for _, branches in chains for branch in branches for lot in branch]
    n = 0
    while len(movements) < MOVEMENTS:
        lot = rng.choice(shippable)
        move(lot, "shipment", -1, Decimal("0.50"), STEPS + 1 + rng.randrange(30), source_type="sales_order",
             source_id=orders[n % ORDERS].pk)  # fmt: skip
        n += 1
    LotEdge.objects.bulk_create(edges, batch_size=5000)
    StockMovement.objects.bulk_create(movements, batch_size=5000)
    with connection.cursor() as cursor:
        # The balances are not what the bench measures (shipments may outrun a lot here); the trace reads them.
        cursor.execute(
            """
            INSERT INTO inventory_lotbalance (lot_id, facility_id, on_hand_lb, created_at, updated_at)
            SELECT lot_id, facility_id, GREATEST(SUM(direction * quantity_lb), 0), now(), now()
            FROM inventory_stockmovement GROUP BY lot_id, facility_id
            """
        )
        cursor.execute("VACUUM ANALYZE inventory_stockmovement, inventory_lot, inventory_lotedge, inventory_lotbalance")
    return {"chains": chains, "lots": len(lots), "edges": len(edges), "movements": len(movements)}


def timed(fn, params_list: list[dict]) -> tuple[list[float], list[int]]:
    out, sizes = [], []
    for params in params_list:
        started = time.perf_counter()
        report = fn(params)
        out.append((time.perf_counter() - started) * 1000)
        sizes.append(len(report["lots"]))
    return out, sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--traces", type=int, default=300)
    parser.add_argument("--write", action="store_true", help="Write the figures into BENCHMARKS.md")
    args = parser.parse_args()
    rng = random.Random(20261201)
    silo_ready()
    started = time.perf_counter()
    data = bulk_setup(rng)
    setup_s = time.perf_counter() - started
    chains = data["chains"]
    roots = [{"lot": str(root.pk)} for root, _ in rng.sample(chains, k=min(args.traces, len(chains)))]
    leaves = [{"lot": str(rng.choice(branches)[-1].pk), "direction": "backward"}
              for _, branches in rng.sample(chains, k=min(args.traces, len(chains)))]  # fmt: skip
    timed(trace, roots[:20])  # warm-up: connection, plans
    forward, forward_sizes = timed(trace, roots)
    backward, backward_sizes = timed(trace, leaves)
    recalls, _ = timed(recall, roots[: max(1, args.traces // 3)])
    rows = [
        _row(f"trace forward from a received lot ({statistics.median(forward_sizes):.0f} lots, ~"
             f"{data['movements'] / data['lots'] * statistics.median(forward_sizes):.0f} movements reached)", forward),
        _row(f"trace backward from a step-5 lot ({statistics.median(backward_sizes):.0f} lots)", backward),
        _row("recall (forward trace grouped by customer)", recalls),
    ]  # fmt: skip
    worst = max(pct(forward, 0.99), pct(backward, 0.99))
    load, stamp = os.getloadavg()[0], time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = "\n".join([
        f"Command: `.venv/bin/python bench/lots.py {' '.join(sys.argv[1:])}` ({platform.python_version()}, "
        f"PostgreSQL on 127.0.0.1, shared 2-core machine, load ~{load:.1f}, {stamp}).",
        "",
        f"Data: {data['movements']:,} movements, {data['lots']:,} lots, {data['edges']:,} genealogy edges "
        f"({CHAINS} chains, {STEPS} production steps deep, every third chain grinding in a lot of the next), "
        f"{ORDERS:,} sales orders to {CUSTOMERS} customers; bulk setup {setup_s:.1f} s (not timed). Each "
        "report is the in-process function (`sales.reports.trace` / `recall`): one lot lookup and one SQL "
        "statement (recursive CTE over LotEdge, then JSON aggregates of lots and shipments or receipts).",
        "",
        "| Measurement | p50 | p99 | n |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Target < 1 s p99 forward and backward: {'met' if worst < 1000 else 'MISSED'} ({worst:.0f} ms worst p99). "
        "The machine is shared with other builds: figures vary between runs.",
    ])  # fmt: skip
    print(text)
    if args.write:
        write_section(text)


def _row(label: str, values: list[float]) -> str:
    return f"| {label} | {statistics.median(values):.1f} ms | {pct(values, 0.99):.1f} ms | {len(values)} |"


def write_section(text: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    content = path.read_text()
    heading = "## Lots: trace and recall"
    if heading not in content:
        content = content.rstrip() + f"\n\n{heading}\n\n(pending)\n"
    pattern = re.compile(re.escape(heading) + r"\n.*?(?=\n## |\Z)", re.S)
    path.write_text(pattern.sub(lambda _: f"{heading}\n\n{text}\n", content, count=1))


if __name__ == "__main__":
    main()
