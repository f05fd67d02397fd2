"""Every silo UI page over HTTP against gunicorn, on a silo with the full demo seed (issue 16: p95 < 300 ms).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/ui.py [--requests 20] [--port 8123]

Silo `uibench`: the demo seed (3 facilities, 31 items, patterns, opening stock, ledger history, orders), made
once and reused. A browser-like session signs in as the silo admin (every page visible), then each page is
fetched `--requests` times after two warm-up requests, sequentially, timed end to end (the HTML complete).
Detail pages use the first row of each list. Prints one markdown row per page and the pages over 300 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time

import requests
from common import percentile, setup

PASSWORD = "ui-bench-password-1"


def pages(schema: str) -> list[str]:
    """Every page a silo admin can open: lists, a detail of each, create forms, reports, the shell's own."""
    from django.urls import reverse
    from django_tenants.utils import schema_context

    from atp.models import LpRun
    from cashsheet.api.reports import reports
    from inventory.models import (
        CuttingPattern,
        Facility,
        Item,
        Lot,
        ProductionOrder,
        StockMovement,
        TransferLane,
        TransferOrder,
    )
    from ledger.models import Bill, Invoice, JournalEntry, Payment, Period, Receipt
    from parties.models import Customer, Vendor
    from sales.models import SalesOrder
    from webhooks.models import WebhookEndpoint

    out = ["/", "/profile/tokens/", "/profile/password/", "/settings/users/", "/settings/groups/",
           "/settings/webhooks/", "/stock/", "/stock/lots/", "/atp/", "/reports/", "/lp-runs/"]  # fmt: skip
    with schema_context(schema):
        details = {
            "customers": Customer, "vendors": Vendor, "items": Item, "facilities": Facility,
            "transfer-lanes": TransferLane, "cutting-patterns": CuttingPattern, "stock-movements": StockMovement,
            "lots": Lot, "sales-orders": SalesOrder, "invoices": Invoice, "bills": Bill, "receipts": Receipt,
            "payments": Payment, "journal-entries": JournalEntry, "periods": Period,
            "production-orders": ProductionOrder, "transfer-orders": TransferOrder,
        }  # fmt: skip
        for key, model in details.items():
            out.append(f"/{key}/")
            first = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            if first:
                out.append(f"/{key}/{first}/")
        for new in ("customers", "items", "cutting-patterns", "sales-orders", "invoices", "bills", "receipts",
                    "payments", "journal-entries", "production-orders", "transfer-orders"):  # fmt: skip
            out.append(f"/{new}/new/")
        out.append("/stock/post/")
        endpoint = WebhookEndpoint.objects.values_list("pk", flat=True).first()
        if endpoint:
            out.append(f"/settings/webhooks/{endpoint}/")
        run = LpRun.objects.values_list("pk", flat=True).first()
        if run:
            out.append(f"/lp-runs/{run}/")
        lot = Lot.objects.order_by("pk").values_list("pk", flat=True).first()
        for name in reports():
            query = f"?lot={lot}" if name in ("trace", "recall") and lot else ""
            out.append(reverse("ui-report", args=[name]) + query)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", action="store_true", help="run the (idempotent) demo seed steps again")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "0")) or None)
    args = parser.parse_args()
    setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from cashsheet.api.exceptions import ServiceUnavailable
    from cashsheet.testing.servers import Gunicorn, child_env, database_url
    from silos.models import Silo
    from silos.services import demo_seed_steps, silo_create

    silo = Silo.objects.filter(schema_name="uibench").first()
    if silo is None or args.seed:
        silo = silo or silo_create(slug="uibench", name="UI bench")
        with schema_context("uibench"):
            for _, name, seed in demo_seed_steps():  # idempotent steps; ATP may time out on a loaded machine
                for attempt in range(3):
                    try:
                        seed(silo)
                        break
                    except ServiceUnavailable:
                        print(f"demo step {name}: ATP time limit, attempt {attempt + 1} of 3")
    with schema_context("uibench"):
        admin = get_user_model().objects.get(username="admin")
        admin.set_password(PASSWORD)
        admin.save()
    paths = pages("uibench")
    connection.set_schema_to_public()

    server = Gunicorn(workers=2, env=child_env(DATABASE_URL=database_url(), DEBUG="0", CASHSHEET_SECURE_COOKIES="0"))
    if args.port:
        server.port = args.port
    server.start(timeout=180)
    session = requests.Session()
    session.headers["Host"] = silo.host
    try:
        login = session.get(f"{server.url}/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        signed = session.post(f"{server.url}/login/", data={"username": "admin", "password": PASSWORD,
                              "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30)  # fmt: skip
        assert signed.status_code == 302, signed.text[:500]
        print(f"{len(paths)} pages, {args.requests} requests each (after 2 warm-up), load {os.getloadavg()}")
        print("| page | p50 ms | p95 ms | max ms | bytes |\n|---|---|---|---|---|")
        slow, everything = [], []
        for path in paths:
            times = []
            for n in range(args.requests + 2):
                started = time.perf_counter()
                r = session.get(f"{server.url}{path}", timeout=60)
                elapsed = (time.perf_counter() - started) * 1000
                if r.status_code != 200:
                    raise SystemExit(f"{path}: {r.status_code}")
                if n >= 2:
                    times.append(elapsed)
            everything += times
            p95 = percentile(times, 95)
            print(f"| `{path}` | {statistics.median(times):.1f} | {p95:.1f} | {max(times):.1f} | {len(r.content)} |")
            if p95 >= 300:
                slow.append((path, p95))
        print(f"\nall pages: n={len(everything)} p50={statistics.median(everything):.1f} ms "
              f"p95={percentile(everything, 95):.1f} ms; load after {os.getloadavg()}")  # fmt: skip
        print("over 300 ms p95:", ", ".join(f"{p} ({v:.0f} ms)" for p, v in slow) or "none")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
