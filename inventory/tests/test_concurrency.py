"""Concurrent postings on separate database connections: stock never oversells, legs never deadlock."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

from django.db import connection
from rest_framework.test import APIClient

from cashsheet.testing import unique
from inventory import selectors, services
from inventory.models import StockBalance, StockMovement

SHIPMENTS = 24
EACH_LB = Decimal("100.00")


def _in_thread(silo, barrier, fn):
    """Run `fn` on this thread's own connection, all threads released together."""
    connection.set_tenant(silo)
    try:
        barrier.wait(timeout=30)
        return fn()
    finally:
        connection.close()


def test_parallel_shipments_over_http_never_oversell(committed, live_admin_token):
    silo = committed
    facility = services.facility_create(code=unique("C"), name="Race plant")
    item = services.item_create(imps_code=unique("R"), description="Race item", category="subprimal")
    services.stock_movement_post(
        facility=facility,
        item=item,
        kind="receipt",
        quantity_lb=Decimal("1050.00"),
        effective_date=date(2026, 3, 1),
        unit_cost_per_lb=Decimal("10.0000"),
    )
    memo = unique("race")
    barrier = threading.Barrier(SHIPMENTS)

    def ship():
        client = APIClient(HTTP_HOST=silo.host)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {live_admin_token}")
        body = {
            "facility": facility.pk,
            "item": item.pk,
            "kind": "shipment",
            "quantity_lb": str(EACH_LB),
            "effective_date": "2026-03-02",
            "memo": memo,
        }
        response = client.post("/api/v2/stock-movements/", body, format="json")
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=SHIPMENTS) as pool:
        futures = [pool.submit(_in_thread, silo, barrier, ship) for _ in range(SHIPMENTS)]
        results = [f.result(timeout=60) for f in futures]
    connection.set_tenant(silo)

    accepted = [body for code, body in results if code == 201]
    refused = [(code, body) for code, body in results if code != 201]
    assert len(accepted) == 10  # 1050 lb covers ten 100 lb shipments
    assert all(code == 409 and body["code"] == "insufficient_stock" for code, body in refused), refused
    assert all(body["shortfall_lb"] == "50.00" for _, body in refused)
    recorded = StockMovement.objects.filter(memo=memo)
    assert sorted(m.pk for m in recorded) == sorted(body["id"] for body in accepted)
    balance = StockBalance.objects.get(facility=facility, item=item)
    assert balance.on_hand_lb == Decimal("50.00")
    assert selectors.stock_on_hand(facility=facility, item=item, as_of=date(2026, 3, 2)) == Decimal("50.00")


def test_opposite_transfers_in_parallel_do_not_deadlock(committed):
    silo = committed
    east = services.facility_create(code=unique("E"), name="East")
    west = services.facility_create(code=unique("W"), name="West")
    item = services.item_create(imps_code=unique("X"), description="Transfer item", category="primal")
    lanes = [
        services.transfer_lane_create(from_facility=east, to_facility=west, lead_time_days=1),
        services.transfer_lane_create(from_facility=west, to_facility=east, lead_time_days=1),
    ]
    for facility in (east, west):
        services.stock_movement_post(
            facility=facility,
            item=item,
            kind="receipt",
            quantity_lb=Decimal("1000"),
            effective_date=date(2026, 3, 1),
            unit_cost_per_lb=Decimal("5"),
        )
    barrier = threading.Barrier(12)

    def transfer(lane):
        return lambda: services.stock_transfer_post(
            lane=lane, item=item, quantity_lb=Decimal("10"), ship_date=date(2026, 3, 2)
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(_in_thread, silo, barrier, transfer(lanes[i % 2])) for i in range(12)]
        legs = [f.result(timeout=60) for f in futures]
    connection.set_tenant(silo)
    assert len(legs) == 12
    for facility in (east, west):
        assert StockBalance.objects.get(facility=facility, item=item).on_hand_lb == Decimal("1000.00")


def test_shipping_exactly_the_balance_leaves_zero_and_one_more_pound_is_refused(silo, blythe, ribeye, receive, ship):
    # Also makes pytest-django set up the test database when this module runs on its own: it only
    # creates databases that a collected test asks for, and the `committed` tests above do not ask.
    receive(blythe, ribeye, 100)
    ship(blythe, ribeye, 100)
    client_error = None
    try:
        ship(blythe, ribeye, Decimal("0.01"))
    except services.InsufficientStock as exc:
        client_error = exc
    assert client_error is not None and client_error.status_code == 409
    assert client_error.context["shortfall_lb"] == "0.01"


def test_multi_line_shipments_that_pre_lock_their_pairs_do_not_deadlock(committed):
    """The pattern sales uses for a multi-line shipment: lock every pair first (pk order), then post."""
    from django.db import transaction

    from inventory.locks import stock_balances_lock

    silo = committed
    facility = services.facility_create(code=unique("M"), name="Multi-line plant")
    items = [services.item_create(imps_code=unique("M"), description="Line item", category="trim") for _ in range(2)]
    for item in items:
        services.stock_movement_post(
            facility=facility,
            item=item,
            kind="receipt",
            quantity_lb=Decimal("1000"),
            effective_date=date(2026, 3, 1),
            unit_cost_per_lb=Decimal("3"),
        )
    barrier = threading.Barrier(10)

    def shipment(order):
        def run():
            with transaction.atomic():
                stock_balances_lock(pairs=[(facility.pk, item.pk) for item in order])
                for item in order:  # lines in the order the customer wrote them
                    services.stock_issue(
                        facility=facility,
                        item=item,
                        kind="shipment",
                        quantity_lb=Decimal("10"),
                        effective_date=date(2026, 3, 2),
                    )

        return run

    orders = [items, items[::-1]]
    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(_in_thread, silo, barrier, shipment(orders[n % 2])) for n in range(10)]
        for future in futures:
            future.result(timeout=60)
    connection.set_tenant(silo)
    for item in items:
        assert StockBalance.objects.get(facility=facility, item=item).on_hand_lb == Decimal("900.00")
