"""Valued postings in parallel, each on its own connection: stock and books still agree to the cent, and
the row-lock order (stock balances, lot balances, accounts, period, journal sequence) never deadlocks."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from cashsheet.testing import unique
from inventory import services as inventory
from inventory.models import Lot
from operations.tests.conftest import assert_reconciled

D = Decimal
WORKERS = 16


def _in_thread(silo, barrier, fn):
    connection.set_tenant(silo)
    try:
        barrier.wait(timeout=30)
        return fn()
    finally:
        connection.close()


def test_mixed_valued_postings_in_parallel_keep_the_books_equal_to_stock(committed, live_admin_token):
    silo = committed
    day = timezone.localdate() - timedelta(days=3)
    east = inventory.facility_create(code=unique("E"), name="East")
    west = inventory.facility_create(code=unique("W"), name="West")
    item = inventory.item_create(imps_code=unique("X"), description="Race item", category="primal")
    for a, b in ((east, west), (west, east)):
        inventory.transfer_lane_create(from_facility=a, to_facility=b, lead_time_days=1, cost_per_lb=D("0"))
    client = APIClient(HTTP_HOST=silo.host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {live_admin_token}")
    for facility in (east, west):
        body = {"facility": facility.pk, "item": item.pk, "kind": "receipt", "quantity_lb": "5000",
                "unit_cost_per_lb": "4.1234", "effective_date": str(day), "lot_code": unique("L")}  # fmt: skip
        assert client.post("/api/v2/stock-movements/", body, format="json").status_code == 201
    barrier = threading.Barrier(WORKERS)

    def work(n):
        def run():
            c = APIClient(HTTP_HOST=silo.host)
            c.credentials(HTTP_AUTHORIZATION=f"Bearer {live_admin_token}")
            here, there = (east, west) if n % 2 else (west, east)
            on = str(day + timedelta(days=1))
            bodies = [
                {"kind": "receipt", "quantity_lb": "37.31", "unit_cost_per_lb": f"{3 + n / 7:.4f}"},
                {"kind": "shipment", "quantity_lb": "51.17"},
                {"kind": "adjustment", "direction": -1, "quantity_lb": "3.33"},
                {"kind": "transfer_out", "quantity_lb": "77.77", "to_facility": there.pk},
            ]
            body = {"facility": here.pk, "item": item.pk, "effective_date": on, **bodies[n % 4]}
            if body["kind"] == "adjustment":
                body["lot"] = Lot.objects.filter(item=item, facility=here).order_by("id").first().pk
            r = c.post("/api/v2/stock-movements/", body, format="json")
            return r.status_code, r.content

        return run

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(_in_thread, silo, barrier, work(n)) for n in range(WORKERS)]
        results = [f.result(timeout=120) for f in futures]
    connection.set_tenant(silo)
    assert all(code == 201 for code, _ in results), results
    for as_of in (None, day, day + timedelta(days=1), day + timedelta(days=2)):
        assert_reconciled(east, west, as_of=as_of)
