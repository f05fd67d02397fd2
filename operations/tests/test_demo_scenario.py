"""Issue 13's order, replayed: 4,500 lb of 116A at OMAHA confirms because the LP plans a cut of chuck;
the confirmation creates that production order; completing it makes the 116A; shipping 4,480 lb succeeds
(before, it was 409 insufficient_stock); the journal and the lots agree throughout."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from cashsheet.api.middleware import SiloMiddleware
from cashsheet.timezones import local_date
from inventory.demo import seed_inventory
from inventory.models import Facility, Item, LotBalance, ProductionOrder
from operations.services.opening import inventory_opening_post
from operations.services.perpetual import stock_post_valued
from operations.tests.conftest import assert_reconciled
from parties.demo import seed_parties
from parties.models import Customer
from sales.services import LineInput, sales_order_confirm, sales_order_create
from silos.models import Silo

D = Decimal


@pytest.fixture
def patient_atp(silo):
    """A loaded test machine: the ATP's answer is tested here, not its speed (a two-week horizon keeps the
    demo silo's model small enough to prepare within the engine's own limit on a shared machine)."""
    before = (connection.tenant.atp_time_limit_ms, connection.tenant.atp_horizon_days)
    Silo.objects.filter(pk=silo.pk).update(atp_time_limit_ms=20000, atp_horizon_days=14)
    connection.tenant.atp_time_limit_ms, connection.tenant.atp_horizon_days = 20000, 14
    SiloMiddleware.forget()
    yield
    Silo.objects.filter(pk=silo.pk).update(atp_time_limit_ms=before[0], atp_horizon_days=before[1])
    connection.tenant.atp_time_limit_ms, connection.tenant.atp_horizon_days = before
    SiloMiddleware.forget()


def test_confirm_produce_ship_the_omaha_chuck_roll_order(api, silo, patient_atp):
    seed_parties(silo)
    seed_inventory(silo)
    inventory_opening_post()
    omaha = Facility.objects.get(code="OMAHA")
    chuck_roll = Item.objects.get(imps_code="116A")
    customer = Customer.objects.order_by("id").first()
    # The plant's own date, which is the ATP's day 0: on the server's (UTC) date, from midnight UTC until the
    # plant's midnight the write-off below would be tomorrow's outflow to the ATP, the written-off lots would
    # still count as dated stock expiring inside the horizon, and the plan would cut chuck for that phantom.
    today = local_date(omaha.timezone)
    # Every 116A lot on hand is written off (QA): the 4,500 lb must come from work, chuck cut into chuck roll.
    balances = LotBalance.objects.filter(lot__item=chuck_roll, on_hand_lb__gt=0).select_related("lot", "facility")
    for balance in balances:
        stock_post_valued(facility=balance.facility, item=chuck_roll, kind="adjustment", direction=-1,
                          quantity_lb=balance.on_hand_lb, effective_date=today, lot=balance.lot,
                          memo="QA write-off")  # fmt: skip
    body = {"lines": [{"quantity_lb": "4500"}]}
    # Confirmed through the service, on this connection (whose silo carries the patient time limit).
    created = sales_order_create(
        customer=customer, facility=omaha, delivery_date=today + timedelta(days=3), min_shelf_life_days=0,
        lines=[LineInput(item=chuck_roll, quantity_lb=D(body["lines"][0]["quantity_lb"]))],
    )  # fmt: skip
    sales_order_confirm(order=created)
    order = api.get(f"/api/v2/sales-orders/{created.pk}/").json()
    assert order["status"] == "confirmed", order
    [line] = order["lines"]
    productions = [p for p in line["plan"] if p["kind"] == "production_order"]
    assert line["plan"], line
    first = line["plan"][0]
    assert first["status"] == "planned"
    # Shipping before the cut is done names the production order.
    shipped_lb = str(D(line["quantity_lb"]) - 20)
    ship = {"status": "shipped", "lines": [{"id": line["id"], "shipped_lb": shipped_lb}]}
    r = api.patch(f"/api/v2/sales-orders/{order['id']}/", ship, format="json")
    assert r.status_code == 409 and r.json()["code"] == "work_not_done", r.content
    assert first["number"] in r.json()["detail"]
    # Every planned cut is run (a primal cut again into the subprimal: in order of date).
    for step in sorted(productions, key=lambda p: (p["date"], p["order"])):
        run = ProductionOrder.objects.get(pk=step["order"])
        if run.status == "completed":
            continue
        outputs = [{"item": o.item_id, "actual_lb": str(o.planned_lb)} for o in run.outputs.all()]
        # The cutting floor takes the freshest chuck, so the chuck roll keeps to the delivery.
        inputs, left = [], run.planned_input_lb
        for balance in LotBalance.objects.filter(
            facility=run.facility, lot__item=run.pattern.input_item, on_hand_lb__gt=0, lot__on_hold=False
        ).order_by("-lot__use_by_date"):
            take = min(left, balance.on_hand_lb)
            inputs.append({"lot": balance.lot_id, "quantity_lb": str(take)})
            left -= take
            if not left:
                break
        body = {"outputs": outputs, "inputs": inputs}
        r = api.post(f"/api/v2/production-orders/{run.pk}/complete/", body, format="json")
        assert r.status_code == 200, r.content
    for step in [p for p in line["plan"] if p["kind"] == "transfer_order"]:
        r = api.post(f"/api/v2/transfer-orders/{step['order']}/ship/", {}, format="json")
        assert r.status_code == 200, r.content
        r = api.post(f"/api/v2/transfer-orders/{step['order']}/receive/",
                     {"received_date": str(today + timedelta(days=3))}, format="json")  # fmt: skip
        assert r.status_code == 200, r.content
    assert_reconciled(*Facility.objects.all())
    ship["ship_date"] = str(today + timedelta(days=3))  # on the delivery date, when every cut is boxed
    r = api.patch(f"/api/v2/sales-orders/{order['id']}/", ship, format="json")
    runs = [(p.number, p.pattern.code, p.facility.code, str(p.production_date), str(p.planned_input_lb), p.status,
             [(o.item.imps_code, str(o.planned_lb), str(o.actual_lb)) for o in p.outputs.all()])
            for p in ProductionOrder.objects.all()]  # fmt: skip
    assert r.status_code == 200, (r.content, line["plan"], line["allocations"], runs)
    assert r.json()["status"] == "shipped"
    assert_reconciled(*Facility.objects.all())
    rec = api.get("/api/v2/reports/inventory-reconciliation/").json()
    assert rec["reconciled"], rec
