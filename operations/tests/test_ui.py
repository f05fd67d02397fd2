"""Production and transfer orders in the silo UI: plan, release, complete with actual outputs, ship, receive,
cancel; the operations services underneath, errors beside the field, the API's permissions on every POST."""

from datetime import timedelta
from decimal import Decimal

from cashsheet.testing.ui import page_queries, text, ui_client
from inventory.models import ProductionOrder, TransferOrder
from operations.services.perpetual import stock_post_valued

D = Decimal


def _receive(facility, item, lb, on):
    stock_post_valued(facility=facility, item=item, kind="receipt", quantity_lb=D(lb), effective_date=on,
                      unit_cost_per_lb=D("5.0000"))  # fmt: skip


def test_plan_release_and_complete_a_production_order(silo, make_user, plant, rib_pattern, today):
    _receive(plant, rib_pattern.rib, "500", today - timedelta(days=1))
    client = ui_client(silo, make_user(superuser=True))
    bad = client.post("/production-orders/new/", {"pattern": rib_pattern.pk, "facility": plant.pk,
                                                  "production_date": str(today), "planned_input_lb": "-5",
                                                  "memo": "kept"})  # fmt: skip
    assert 'id="id_planned_input_lb_error"' in bad.content.decode() and 'value="kept"' in bad.content.decode()
    made = client.post(
        "/production-orders/new/",
        {"pattern": rib_pattern.pk, "facility": plant.pk, "production_date": str(today), "planned_input_lb": "200"},
    )
    order = ProductionOrder.objects.get(pattern=rib_pattern)
    assert made.status_code == 302 and made["Location"] == f"/production-orders/{order.pk}/"
    detail = text(client.get(made["Location"]))
    assert "96.00" in detail and f"Release {order.number}" in detail  # 48 % of 200 lb planned
    client.post(f"/production-orders/{order.pk}/release/")
    order.refresh_from_db()
    assert order.status == "released"
    form = client.get(f"/production-orders/{order.pk}/complete/").content.decode()
    eye = rib_pattern.out["ribeye"]
    assert f"Actual lb of {eye.imps_code}" in form
    actual = {f"actual_{o.item_id}": str(o.planned_lb) for o in order.outputs.all()}
    over = client.post(f"/production-orders/{order.pk}/complete/", {**actual, f"actual_{eye.pk}": "900"})
    assert over.status_code == 200 and "exceed" in text(over)
    assert ProductionOrder.objects.get(pk=order.pk).status == "released"
    done = client.post(f"/production-orders/{order.pk}/complete/", {**actual, f"actual_{eye.pk}": "95.10",
                                                                     f"lot_{eye.pk}": "EYE-UI-1"})  # fmt: skip
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == "completed" and order.outputs.get(item=eye).actual_lb == D("95.10")
    assert "EYE-UI-1" in text(client.get(f"/production-orders/{order.pk}/"))


def test_ship_too_early_receive_then_receive(silo, make_user, plant, store, lane, ribeye, today):
    _receive(plant, ribeye, "300", today - timedelta(days=5))
    client = ui_client(silo, make_user(superuser=True))
    made = client.post("/transfer-orders/new/", {"lane": lane.pk, "item": ribeye.imps_code, "quantity_lb": "120",
                                                 "ship_date": str(today - timedelta(days=3))})  # fmt: skip
    order = TransferOrder.objects.get(lane=lane)
    assert made.status_code == 302
    assert client.post(f"/transfer-orders/{order.pk}/ship/", {"ship_date": ""}).status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped" and order.freight_cost == D("9.60")
    early = client.post(f"/transfer-orders/{order.pk}/receive/",
                        {"received_date": str(today - timedelta(days=2))})  # fmt: skip
    html = early.content.decode()
    assert early.status_code == 200 and 'id="id_received_date_error"' in html and "cannot be received before" in html
    assert client.post(f"/transfer-orders/{order.pk}/receive/", {"received_date": ""}).status_code == 302
    order.refresh_from_db()
    assert order.status == "received"


def test_a_reader_sees_no_buttons_and_gets_403(silo, make_user, plant, rib_pattern, today):
    from operations.services import production

    order = production.production_order_create(pattern=rib_pattern, facility=plant, production_date=today,
                                               planned_input_lb=D("50"))  # fmt: skip
    reader = ui_client(silo, make_user("inventory.view_productionorder", "inventory.view_transferorder"))
    assert "New production order" not in text(reader.get("/production-orders/"))
    assert f"Release {order.number}" not in text(reader.get(f"/production-orders/{order.pk}/"))
    assert reader.post(f"/production-orders/{order.pk}/release/").status_code == 403
    assert reader.post("/transfer-orders/new/", {}).status_code == 403
    order.refresh_from_db()
    assert order.status == "planned"


def test_order_lists_issue_a_fixed_number_of_queries(silo, make_user, plant, rib_pattern, today):
    from operations.services import production

    client = ui_client(silo, make_user(superuser=True))
    production.production_order_create(pattern=rib_pattern, facility=plant, production_date=today,
                                       planned_input_lb=D("10"))  # fmt: skip
    page_queries(client, "/production-orders/")
    one = page_queries(client, "/production-orders/")
    for _ in range(5):
        production.production_order_create(pattern=rib_pattern, facility=plant, production_date=today,
                                           planned_input_lb=D("10"))  # fmt: skip
    assert page_queries(client, "/production-orders/") == one
    page_queries(client, "/transfer-orders/")
    assert page_queries(client, "/transfer-orders/") == page_queries(client, "/transfer-orders/")


def test_apply_an_lp_runs_plan_from_its_page(silo, make_user, plant, rib_pattern, today):
    from atp.models import LpRun

    rows = [{"kind": "cut", "date": str(today + timedelta(days=1)), "facility_id": plant.code, "to_facility_id": None,
             "pattern": rib_pattern.code, "imps_code": rib_pattern.rib.imps_code, "lb": 120.0}]  # fmt: skip
    run = LpRun.objects.create(horizon_days=14, status="succeeded", plan={"rows": rows, "shortfall_lb": 0})
    client = ui_client(silo, make_user(superuser=True))
    assert f"/lp-runs/{run.pk}/apply/" in client.get(f"/lp-runs/{run.pk}/").content.decode()
    applied = text(client.post(f"/lp-runs/{run.pk}/apply/", follow=True))
    order = ProductionOrder.objects.get(pattern=rib_pattern)
    assert f"applied: planned {order.number}" in applied and order.planned_input_lb == D("120.00")
    again = text(client.post(f"/lp-runs/{run.pk}/apply/", follow=True))
    assert "was applied before" in again and ProductionOrder.objects.filter(pattern=rib_pattern).count() == 1
    reader = ui_client(silo, make_user("atp.view_lprun"))
    assert f"/lp-runs/{run.pk}/apply/" not in reader.get(f"/lp-runs/{run.pk}/").content.decode()
    assert reader.post(f"/lp-runs/{run.pk}/apply/").status_code == 403


def test_a_bill_line_names_its_goods_receipt(silo, make_user, plant, ribeye, vendor, today):
    from inventory.models import StockMovement
    from ledger import services as ledger
    from ledger.models import Bill

    _receive(plant, ribeye, "100", today - timedelta(days=1))
    movement = StockMovement.objects.filter(item=ribeye, kind="receipt").latest("pk")
    client = ui_client(silo, make_user(superuser=True))
    form = client.get("/bills/new/").content.decode()
    assert "Goods receipt #, line 1" in form
    base = {"vendor": vendor.pk, "bill_date": str(today), "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
            "lines-0-item": ribeye.imps_code, "lines-0-quantity_lb": "100", "lines-0-price_per_lb": "5.20"}  # fmt: skip
    wrong = client.post("/bills/new/", {**base, "lines-0-receipt": str(movement.pk + 10_000)})
    assert 'id="id_lines-0-receipt_error"' in wrong.content.decode() and "is not a goods receipt" in text(wrong)
    assert client.post("/bills/new/", {**base, "lines-0-receipt": str(movement.pk)}).status_code == 302
    bill = Bill.objects.get(vendor=vendor)
    line = bill.lines.get()
    assert line.receipt_id == movement.pk
    edit = client.get(f"/bills/{bill.pk}/edit/").content.decode()
    assert f'name="lines-0-receipt" value="{movement.pk}"' in edit
    ledger.bill_post(bill=bill)
    line.refresh_from_db()
    assert line.receipt_value == D("500.00")  # GRNI cleared at the receipt's value; 20.00 to price variance
