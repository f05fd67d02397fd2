"""Production orders: plan, release, complete in one transaction (stock, lots, edges, entry, event), joint
costing into the output lots, refusals that write nothing, and the yield-variance report."""

from datetime import timedelta
from decimal import Decimal

from inventory.models import Lot, LotEdge, StockMovement
from ledger.models import JournalEntry
from ledger.services import period_close, period_create
from operations.tests.conftest import assert_reconciled
from webhooks.models import Event

D = Decimal
PO = "/api/v2/production-orders/"


def receive(api, facility, item, lb, cost, on, code):
    body = {"facility": facility.pk, "item": item.pk, "kind": "receipt", "quantity_lb": str(lb),
            "unit_cost_per_lb": cost, "effective_date": str(on), "lot_code": code}  # fmt: skip
    r = api.post("/api/v2/stock-movements/", body, format="json")
    assert r.status_code == 201, r.content
    return Lot.objects.get(pk=r.json()["lot"])


def plan(api, pattern, plant, on, lb="1000", **extra):
    body = {"pattern": pattern.pk, "facility": plant.pk, "production_date": str(on), "planned_input_lb": lb, **extra}
    r = api.post(PO, body, format="json")
    assert r.status_code == 201, r.content
    return r.json()


def actuals(pattern, eye="476.50", back="121.00", fat="151.00", bone="118.00"):
    o = pattern.out
    return [{"item": o["ribeye"].pk, "actual_lb": eye}, {"item": o["backribs"].pk, "actual_lb": back},
            {"item": o["fat"].pk, "actual_lb": fat}, {"item": o["bone"].pk, "actual_lb": bone}]  # fmt: skip


def test_plan_release_complete_books_joint_cost_into_new_lots(api, plant, rib_pattern, yesterday):
    lot = receive(api, plant, rib_pattern.rib, 1200, "5.5800", yesterday, "RIB-1")
    order = plan(api, rib_pattern, plant, yesterday, inputs=[{"lot": lot.pk, "quantity_lb": "1000"}])
    assert order["number"].startswith("PO-") and order["status"] == "planned"
    assert {o["planned_lb"] for o in order["outputs"]} == {"480.00", "120.00", "150.00"}
    r = api.post(f"{PO}{order['id']}/release/", format="json")
    assert r.status_code == 200 and r.json()["status"] == "released"
    r = api.post(f"{PO}{order['id']}/complete/", {"outputs": actuals(rib_pattern)}, format="json")
    assert r.status_code == 200, r.content
    done = r.json()
    assert done["status"] == "completed" and done["input_lb"] == "1000.00"
    assert done["input_value"] == "5580.00" and done["processing_cost"] == "350.00"
    outs = {o["imps_code"]: o for o in done["outputs"]}
    eye, fat = outs[rib_pattern.out["ribeye"].imps_code], outs[rib_pattern.out["fat"].imps_code]
    assert fat["value"] == "48.32"  # by-product credited at list: 151 lb × $0.32
    assert sum(D(o["value"]) for o in done["outputs"]) == D("5930.00")  # inputs + processing, to the cent
    assert D(eye["unit_cost_per_lb"]) > D("11")  # the ribeye carries more than the average pound
    new_lot = Lot.objects.get(pk=eye["lot"])
    assert new_lot.origin == "production" and new_lot.pack_date == yesterday
    assert new_lot.production_order_id == done["id"]
    assert LotEdge.objects.filter(parent=lot, production_order_id=done["id"]).count() == 4
    assert sum(e.quantity_lb for e in LotEdge.objects.filter(parent=lot)) == D("1000.00")
    entry = JournalEntry.objects.get(pk=done["journal_entry"])
    assert entry.source == "production" and entry.entry_date == yesterday
    assert Event.objects.filter(type="production_order.completed").count() == 1
    assert_reconciled(plant)
    again = api.post(f"{PO}{order['id']}/complete/", {"outputs": actuals(rib_pattern)}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_fefo_inputs_when_the_order_names_none(api, plant, rib_pattern, yesterday):
    receive(api, plant, rib_pattern.rib, 600, "5.0000", yesterday, "RIB-A")
    receive(api, plant, rib_pattern.rib, 600, "6.0000", yesterday, "RIB-B")
    order = plan(api, rib_pattern, plant, yesterday)
    r = api.post(f"{PO}{order['id']}/complete/", {"outputs": actuals(rib_pattern)}, format="json")
    assert r.status_code == 200, r.content
    assert sum(D(i["quantity_lb"]) for i in r.json()["inputs"]) == D("1000.00")
    assert_reconciled(plant)


def test_refusals_name_the_field_and_write_nothing(api, plant, store, rib_pattern, make_item, yesterday, today):
    lot = receive(api, plant, rib_pattern.rib, 1000, "5.5800", yesterday, "RIB-R")
    other = receive(api, plant, make_item("OTH"), 10, "1", yesterday, "OTH-1")
    bad = api.post(PO, {"pattern": rib_pattern.pk, "facility": store.pk, "production_date": str(yesterday),
                        "planned_input_lb": "10"}, format="json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "pattern"
    body = {"pattern": rib_pattern.pk, "facility": plant.pk, "production_date": str(yesterday),
            "planned_input_lb": "10", "inputs": [{"lot": other.pk, "quantity_lb": "10"}]}  # fmt: skip
    bad = api.post(PO, body, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "inputs.0.lot"
    order = plan(api, rib_pattern, plant, yesterday, inputs=[{"lot": lot.pk, "quantity_lb": "1000"}])
    movements = StockMovement.objects.count()
    r = api.post(f"{PO}{order['id']}/complete/", {"outputs": actuals(rib_pattern, eye="700")}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "yield_exceeded", r.content
    assert r.json()["errors"][0]["field"] == "outputs"
    wrong = [{"item": other.item_id, "actual_lb": "5"}]
    r = api.post(f"{PO}{order['id']}/complete/", {"outputs": wrong}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "outputs.0.item"
    period = period_create(name="closed", start_date=yesterday, end_date=yesterday)
    period_close(period=period)
    r = api.post(f"{PO}{order['id']}/complete/", {"outputs": actuals(rib_pattern)}, format="json")
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "production_date", r.content
    assert StockMovement.objects.count() == movements
    assert api.get(f"{PO}{order['id']}/").json()["status"] == "planned"
    r = api.post(f"{PO}{order['id']}/cancel/", format="json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert api.post(f"{PO}{order['id']}/release/", format="json").status_code == 409


def test_yield_variance_report(api, plant, rib_pattern, yesterday):
    lot = receive(api, plant, rib_pattern.rib, 1000, "5.5800", yesterday, "RIB-Y")
    order = plan(api, rib_pattern, plant, yesterday, inputs=[{"lot": lot.pk, "quantity_lb": "1000"}])
    assert api.post(f"{PO}{order['id']}/complete/", {"outputs": actuals(rib_pattern)}, format="json").status_code == 200
    params = {"facility": plant.code, "pattern": rib_pattern.code, "from": str(yesterday - timedelta(days=1)),
              "to": str(yesterday)}  # fmt: skip
    r = api.get("/api/v2/reports/yield-variance/", params)
    assert r.status_code == 200, r.content
    rows = {row["imps_code"]: row for row in r.json()["rows"]}
    eye = rows[rib_pattern.out["ribeye"].imps_code]
    assert eye["planned_lb"] == "480.00" and eye["actual_lb"] == "476.50" and eye["variance_lb"] == "-3.50"
    assert eye["variance_value"] == "-40.60"  # 3.5 lb × $11.60 list
    assert r.json()["totals"]["variance_lb"] == "-3.50"
    csv = api.get("/api/v2/reports/yield-variance/", {**params, "format": "csv"})
    assert csv.status_code == 200 and "variance_lb" in csv.content.decode().splitlines()[0]


def test_a_pattern_no_longer_run_at_the_plant_cannot_complete_and_nothing_is_written(
    api, plant, rib_pattern, yesterday
):
    from cashsheet.testing import unique
    from inventory import services as inventory

    lot = receive(api, plant, rib_pattern.rib, 1000, "5.5800", yesterday, "RIB-X")
    order = plan(api, rib_pattern, plant, yesterday, inputs=[{"lot": lot.pk, "quantity_lb": "1000"}])
    other_plant = inventory.facility_create(code=unique("P"), name="Other plant", can_break=True)
    inventory.cutting_pattern_update(pattern=rib_pattern, facilities=[other_plant])  # moved off this floor
    before = (StockMovement.objects.count(), JournalEntry.objects.count(), Lot.objects.count())
    r = api.post(f"{PO}{order['id']}/complete/", {"outputs": actuals(rib_pattern)}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "pattern", r.content
    assert (StockMovement.objects.count(), JournalEntry.objects.count(), Lot.objects.count()) == before
    assert api.get(f"{PO}{order['id']}/").json()["status"] == "planned"
