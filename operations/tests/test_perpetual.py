"""Perpetual inventory: every valued stock movement books its entry in the same transaction, and the
inventory accounts equal the stock valuation to the cent, per facility, now and as of any date."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from inventory import services as inventory
from inventory.models import StockMovement
from ledger.models import Account, JournalEntry, JournalLine
from ledger.services import bill_create, bill_post, period_close, period_create
from operations.services.opening import inventory_opening_post
from operations.tests.conftest import assert_reconciled

D = Decimal
URL = "/api/v2/stock-movements/"


def role_balance(role, **dims):
    lines = JournalLine.objects.filter(account__role=role, **dims)
    return sum((line.debit - line.credit for line in lines), D("0.00"))


def post(api, **body):
    r = api.post(URL, body, format="json")
    assert r.status_code == 201, r.content
    return r.json()


def test_receipt_books_inventory_against_grni_with_the_vendor(api, plant, ribeye, vendor, yesterday):
    body = post(api, facility=plant.pk, item=ribeye.pk, kind="receipt", quantity_lb="1000.00",
                unit_cost_per_lb="9.8765", effective_date=str(yesterday), lot_code="R-1", vendor=vendor.pk)  # fmt: skip
    movement = StockMovement.objects.get(pk=body["id"])
    assert movement.value == D("9876.50")
    entry = JournalEntry.objects.get(source="goods_receipt", source_id=movement.pk)
    assert entry.entry_date == yesterday
    assert role_balance("inventory", facility=plant) == D("9876.50")
    assert role_balance("purchases_clearing", vendor=vendor) == D("-9876.50")
    assert_reconciled(plant)
    assert_reconciled(plant, as_of=yesterday)
    assert_reconciled(plant, as_of=yesterday - timedelta(days=1))  # nothing on either side yet


def test_adjustments_both_ways_and_a_raw_shipment(api, plant, ribeye, yesterday, today):
    post(api, facility=plant.pk, item=ribeye.pk, kind="receipt", quantity_lb="300", unit_cost_per_lb="10",
         effective_date=str(yesterday), lot_code="A-1")  # fmt: skip
    post(api, facility=plant.pk, item=ribeye.pk, kind="adjustment", direction=-1, quantity_lb="12.5",
         effective_date=str(today), lot_code="A-1")  # fmt: skip
    post(api, facility=plant.pk, item=ribeye.pk, kind="adjustment", direction=1, quantity_lb="2.5",
         effective_date=str(today), lot_code="A-1", unit_cost_per_lb="11")  # fmt: skip
    assert role_balance("inventory_adjustment", facility=plant) == D("125.00") - D("27.50")
    post(api, facility=plant.pk, item=ribeye.pk, kind="shipment", quantity_lb="90", effective_date=str(today))
    assert role_balance("cost_of_goods_sold", facility=plant) > 0
    assert_reconciled(plant)
    assert_reconciled(plant, as_of=today)


def test_transfer_passes_through_in_transit_until_the_lane_delivers(api, plant, store, lane, ribeye, yesterday):
    post(api, facility=plant.pk, item=ribeye.pk, kind="receipt", quantity_lb="500", unit_cost_per_lb="10",
         effective_date=str(yesterday), lot_code="T-1")  # fmt: skip
    post(api, facility=plant.pk, item=ribeye.pk, kind="transfer_out", quantity_lb="200", to_facility=store.pk,
         effective_date=str(yesterday), lot_code="T-1")  # fmt: skip
    arrive = yesterday + timedelta(days=lane.lead_time_days)
    # On the ship date the truck carries $2,000.00 owned by the store: in transit, not on hand.
    assert role_balance("inventory_in_transit", facility=store, entry_date__lte=yesterday) == D("2000.00")
    assert role_balance("inventory_in_transit", facility=store) == 0  # the in leg's day books it received
    assert role_balance("inventory", facility=store) == D("2000.00")
    for as_of in (None, yesterday, arrive - timedelta(days=1), arrive):
        assert_reconciled(plant, store, as_of=as_of)


def test_reports_json_and_csv(api, plant, store, lane, ribeye, yesterday):
    post(api, facility=plant.pk, item=ribeye.pk, kind="receipt", quantity_lb="500", unit_cost_per_lb="10",
         effective_date=str(yesterday), lot_code="V-1")  # fmt: skip
    post(api, facility=plant.pk, item=ribeye.pk, kind="transfer_out", quantity_lb="100", to_facility=store.pk,
         effective_date=str(yesterday), lot_code="V-1")  # fmt: skip
    r = api.get("/api/v2/reports/inventory-valuation/", {"imps_code": ribeye.imps_code, "as_of": str(yesterday)})
    assert r.status_code == 200, r.content
    rows = {row["facility_code"]: row for row in r.json()["rows"]}
    assert rows[plant.code]["on_hand_value"] == "4000.00" and rows[plant.code]["in_transit_value"] == "0.00"
    assert rows[store.code]["on_hand_value"] == "0.00" and rows[store.code]["in_transit_value"] == "1000.00"
    assert r.json()["totals"]["value"] == "5000.00"
    rec = api.get("/api/v2/reports/inventory-reconciliation/", {"as_of": str(yesterday)}).json()
    mine = {row["facility_code"]: row for row in rec["rows"] if row["facility_code"] in (plant.code, store.code)}
    assert mine[store.code]["gl_in_transit"] == "1000.00" and mine[store.code]["difference"] == "0.00"
    assert mine[plant.code]["gl_inventory"] == "4000.00" and mine[plant.code]["difference"] == "0.00"
    r = api.get("/api/v2/reports/inventory-valuation/", {"item": ribeye.pk, "format": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.content.decode())))
    assert {row["facility_code"] for row in table} - {""} == {plant.code, store.code}
    bad = api.get("/api/v2/reports/inventory-valuation/", {"as_of": "yesterday"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "as_of"
    bad = api.get("/api/v2/reports/inventory-valuation/", {"facility": "NOPE-NOPE"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "facility"


def test_a_closed_period_refuses_the_movement_and_writes_nothing(api, plant, ribeye, today):
    day = today - timedelta(days=400)
    period = period_create(name="old", start_date=day, end_date=day)
    period_close(period=period)
    before = StockMovement.objects.count()
    r = api.post(URL, {"facility": plant.pk, "item": ribeye.pk, "kind": "receipt", "quantity_lb": "5",
                       "unit_cost_per_lb": "1", "effective_date": str(day)}, format="json")  # fmt: skip
    assert r.status_code == 409, r.content
    assert r.json()["errors"][0]["field"] == "effective_date"
    assert StockMovement.objects.count() == before


def test_opening_entry_brings_unbooked_stock_to_the_books_once(plant, store, lane, ribeye, yesterday):
    # Stock posted straight through inventory (as before perpetual inventory): nothing booked.
    receipt = inventory.stock_movement_post(facility=plant, item=ribeye, kind="receipt", quantity_lb=D("700"),
                                            effective_date=yesterday, unit_cost_per_lb=D("10.3333"))  # fmt: skip
    inventory.stock_transfer_post(lane=lane, item=ribeye, ship_date=yesterday, lot=receipt.lot, quantity_lb=D("70"))
    entry = inventory_opening_post()
    assert entry is not None and "Opening inventory balance" in entry.memo
    assert_reconciled(plant, store)
    assert role_balance("inventory_in_transit", facility=store) == D("723.33")
    assert inventory_opening_post() is None  # nothing left to post


def test_bill_item_line_clears_grni_and_may_not_debit_inventory(plant, ribeye, vendor, yesterday, api):
    post(api, facility=plant.pk, item=ribeye.pk, kind="receipt", quantity_lb="1000", unit_cost_per_lb="3.0000",
         effective_date=str(yesterday), lot_code="B-1", vendor=vendor.pk)  # fmt: skip
    bill = bill_create(vendor=vendor, bill_date=yesterday, lines=[
        {"item": ribeye.pk, "description": "Ribs", "quantity_lb": "1000", "price_per_lb": "3.0000"}])  # fmt: skip
    bill_post(bill=bill)
    assert role_balance("purchases_clearing", vendor=vendor) == 0
    inventory_account = Account.objects.get(role="inventory")
    with pytest.raises(Exception) as caught:
        bill_create(vendor=vendor, bill_date=yesterday, lines=[
            {"description": "x", "amount": "1.00", "account": inventory_account.pk}])  # fmt: skip
    assert getattr(caught.value, "field", "") == "lines.0.account"
    assert_reconciled(plant)
