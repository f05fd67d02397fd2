"""Transfer orders: ship into in transit with the lane's freight capitalised, receive after the lead time."""

from datetime import timedelta
from decimal import Decimal

from inventory.models import StockBalance
from ledger.models import JournalLine
from operations.tests.conftest import assert_reconciled
from operations.tests.test_production import receive
from webhooks.models import Event

D = Decimal
TO = "/api/v2/transfer-orders/"


def test_ship_and_receive_with_freight_capitalised(api, plant, store, lane, ribeye, yesterday, today):
    lot = receive(api, plant, ribeye, 1000, "10.0000", yesterday - timedelta(days=3), "TR-1")
    body = {"lane": lane.pk, "item": ribeye.pk, "quantity_lb": "400", "ship_date": str(yesterday - timedelta(days=2)),
            "lots": [{"lot": lot.pk, "quantity_lb": "400"}]}  # fmt: skip
    r = api.post(TO, body, format="json")
    assert r.status_code == 201, r.content
    order = r.json()
    assert order["number"].startswith("TO-") and order["status"] == "planned"
    r = api.post(f"{TO}{order['id']}/ship/", {}, format="json")
    assert r.status_code == 200, r.content
    shipped = r.json()
    assert shipped["status"] == "shipped" and shipped["goods_value"] == "4000.00" and shipped["freight_cost"] == "32.00"
    # The destination owns the goods plus freight; the lot's cost there carries the freight.
    assert StockBalance.objects.get(facility=store, item=ribeye).value == D("4032.00")
    accrued = JournalLine.objects.filter(account__role="accrued_freight", facility=store)
    assert sum(x.credit - x.debit for x in accrued) == D("32.00")
    assert_reconciled(plant, store)
    early = api.post(
        f"{TO}{order['id']}/receive/", {"received_date": str(yesterday - timedelta(days=1))}, format="json"
    )
    assert early.status_code == 409 and early.json()["code"] == "not_arrived"
    assert early.json()["errors"][0]["field"] == "received_date"
    r = api.post(f"{TO}{order['id']}/receive/", {"received_date": str(today)}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "received", r.content
    transit = JournalLine.objects.filter(account__role="inventory_in_transit", facility=store)
    assert sum(x.debit - x.credit for x in transit) == 0
    assert_reconciled(plant, store)
    assert_reconciled(plant, store, as_of=yesterday)
    assert {e.type for e in Event.objects.filter(type__startswith="transfer_order.")} == {
        "transfer_order.shipped", "transfer_order.received",
    }  # fmt: skip


def test_fefo_cancel_and_bad_input(api, plant, store, lane, ribeye, make_item, yesterday):
    receive(api, plant, ribeye, 300, "10.0000", yesterday, "TR-F")
    body = {"lane": lane.pk, "item": ribeye.pk, "quantity_lb": "250", "ship_date": str(yesterday)}
    order = api.post(TO, body, format="json").json()
    r = api.post(f"{TO}{order['id']}/ship/", {}, format="json")
    assert r.status_code == 200 and r.json()["lots"][0]["quantity_lb"] == "250.00", r.content
    assert api.post(f"{TO}{order['id']}/cancel/", format="json").status_code == 409
    other = receive(api, plant, make_item("OT"), 10, "1", yesterday, "OT-1")
    bad = {**body, "lots": [{"lot": other.pk, "quantity_lb": "250"}]}
    r = api.post(TO, bad, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lots.0.lot"
    planned = api.post(TO, body, format="json").json()
    r = api.patch(f"{TO}{planned['id']}/", {"quantity_lb": "5000"}, format="json")
    assert r.status_code == 200 and r.json()["quantity_lb"] == "5000.00"
    r = api.post(f"{TO}{planned['id']}/ship/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "insufficient_stock", r.content
    assert api.post(f"{TO}{planned['id']}/cancel/", format="json").json()["status"] == "cancelled"
    assert_reconciled(plant, store)


def test_receiving_early_or_in_a_closed_period_names_the_field_and_writes_nothing(
    api, plant, store, lane, ribeye, yesterday, today
):
    from inventory.models import StockMovement, TransferOrder
    from ledger.models import JournalEntry
    from ledger.services import period_close, period_create

    lot = receive(api, plant, ribeye, 100, "10.0000", yesterday - timedelta(days=5), "TR-E")
    body = {"lane": lane.pk, "item": ribeye.pk, "quantity_lb": "100", "ship_date": str(yesterday - timedelta(days=4)),
            "lots": [{"lot": lot.pk, "quantity_lb": "100"}]}  # fmt: skip
    order = api.post(TO, body, format="json").json()
    assert api.post(f"{TO}{order['id']}/ship/", {}, format="json").status_code == 200
    before = (StockMovement.objects.count(), JournalEntry.objects.count(), Event.objects.count())
    # The lane takes 2 days: shipped 4 days ago, it arrives 2 days ago at the earliest.
    early = api.post(f"{TO}{order['id']}/receive/", {"received_date": str(yesterday - timedelta(days=3))},
                     format="json")  # fmt: skip
    assert early.status_code == 409 and early.json()["errors"][0]["field"] == "received_date", early.content
    period = period_create(name="closed", start_date=yesterday, end_date=yesterday)
    period_close(period=period)
    closed = api.post(f"{TO}{order['id']}/receive/", {"received_date": str(yesterday)}, format="json")
    assert closed.status_code == 409 and closed.json()["code"] == "period_closed", closed.content
    assert closed.json()["errors"][0]["field"] == "received_date"
    assert (StockMovement.objects.count(), JournalEntry.objects.count(), Event.objects.count()) == before
    assert TransferOrder.objects.get(pk=order["id"]).status == "shipped"
    assert api.post(f"{TO}{order['id']}/receive/", {"received_date": str(today)}, format="json").status_code == 200
    assert_reconciled(plant, store)
