"""Trace and recall on a real chain: receipt → production → production → shipments to two customers.

Rib lot R1 (vendor SANDHILLS, vendor lot SH-4471) is broken into ribeye roll RR1 and trim T1; RR1 is cut
into steaks ST1; ACME gets steaks, HARBOR steaks and ribeye roll. An unrelated rib lot R2 (PLATTE) becomes
RR2 and goes to CITYMKT: no report about R1 may mention it.
"""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import services as inventory
from inventory.services import TransformOutput
from parties.services import customer_create, vendor_create
from sales.reports import recall, trace
from sales.services import LineInput, sales_order_confirm, sales_order_create, sales_order_invoice, sales_order_ship

D = Decimal


def _email(name: str) -> str:
    return "orders" + "@" + f"{name}.example.com"


@pytest.fixture
def chain(silo):
    today = timezone.localdate()
    plant = inventory.facility_create(code="TRACE", name="Trace plant", can_break=True)
    rib = inventory.item_create(imps_code="103", description="Rib", category="primal", list_price_per_lb=D("9"))
    roll = inventory.item_create(imps_code="112A", description="Ribeye roll", category="subprimal",
                                 list_price_per_lb=D("14"))  # fmt: skip
    steak = inventory.item_create(imps_code="1112A", description="Ribeye steak", category="subprimal",
                                  list_price_per_lb=D("19"))  # fmt: skip
    trim = inventory.item_create(imps_code="TRIM81", description="Trim 81", category="trim", list_price_per_lb=D("3"))
    sandhills = vendor_create(code="SANDHILLS", name="Sandhills Cattle Co.")
    platte = vendor_create(code="PLATTE", name="Platte Valley Packing")
    acme = customer_create(code="ACME", name="Acme Steakhouse", email=_email("acme"), phone="+1 402 555 0100")
    harbor = customer_create(code="HARBOR", name="Harbor Grill", email=_email("harbor"), phone="+1 515 555 0101")
    citymkt = customer_create(code="CITYMKT", name="City Market", email=_email("citymkt"))

    def receive(code, vendor, vendor_lot, lb):
        lot = inventory.lot_create(
            item=rib, facility=plant, code=code, origin="receipt", pack_date=today - timedelta(days=6),
            kill_date=today - timedelta(days=8), vendor=vendor, vendor_lot_code=vendor_lot,
            establishment_number="EST. 245C",
        )  # fmt: skip
        inventory.stock_movement_post(facility=plant, item=rib, kind="receipt", quantity_lb=D(lb), lot=lot,
                                      effective_date=today - timedelta(days=5), unit_cost_per_lb=D("7.5"))  # fmt: skip
        return lot

    r1, r2 = receive("R1", sandhills, "SH-4471", 1000), receive("R2", platte, "PV-0912", 800)
    first = inventory.lot_transform(
        facility=plant, inputs=[(r1, D("1000"))], production_date=today - timedelta(days=4),
        outputs=[TransformOutput(item=roll, quantity_lb=D("350"), code="RR1"),
                 TransformOutput(item=trim, quantity_lb=D("100"), code="T1")],
    )  # fmt: skip
    inventory.lot_transform(
        facility=plant, inputs=[(r2, D("800"))], production_date=today - timedelta(days=4),
        outputs=[TransformOutput(item=roll, quantity_lb=D("280"), code="RR2")],
    )  # fmt: skip
    rr1 = first.lots[0]
    second = inventory.lot_transform(
        facility=plant, inputs=[(rr1, D("300"))], production_date=today - timedelta(days=3),
        outputs=[TransformOutput(item=steak, quantity_lb=D("280"), code="ST1")],
    )  # fmt: skip

    def sell(customer, lines):
        order = sales_order_create(
            customer=customer, facility=plant, delivery_date=today + timedelta(days=2),
            lines=[LineInput(item=item, quantity_lb=D(lb)) for item, lb, _ in lines],
        )  # fmt: skip
        order = sales_order_confirm(order=order)
        by_item = {line.item_id: line for line in order.lines.all()}
        shipped = {by_item[item.pk].pk: [(code, D(lb))] for item, lb, code in lines}
        return sales_order_ship(order=order, shipped=shipped)

    acme_order = sales_order_invoice(order=sell(acme, [(steak, "100", "ST1")]))
    harbor_order = sell(harbor, [(steak, "150", "ST1"), (roll, "40", "RR1")])
    sell(citymkt, [(roll, "200", "RR2")])
    return {
        "r1": r1, "r2": r2, "rr1": rr1, "t1": first.lots[1], "st1": second.lots[0],
        "acme": acme_order, "harbor": harbor_order,
    }  # fmt: skip


def test_forward_trace_names_every_lot_made_from_the_receipt_and_every_customer(chain, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the lot, then one statement for the whole genealogy
        report = trace({"lot": str(chain["r1"].pk)})
    assert {(lot["code"], lot["depth"]) for lot in report["lots"]} == {("R1", 0), ("RR1", 1), ("T1", 1), ("ST1", 2)}
    steaks = next(lot for lot in report["lots"] if lot["code"] == "ST1")
    assert steaks["made_from"] == ["RR1"] and steaks["on_hand_lb"] == "30.00"
    shipped = sorted((s["customer_code"], s["lot_code"], s["quantity_lb"]) for s in report["shipments"])
    assert shipped == [("ACME", "ST1", "100.00"), ("HARBOR", "RR1", "40.00"), ("HARBOR", "ST1", "150.00")]
    assert report["customers"] == ["ACME", "HARBOR"]  # never CITYMKT, who got the unrelated R2's roll
    acme = next(s for s in report["shipments"] if s["customer_code"] == "ACME")
    assert acme["order_number"] == chain["acme"].number and acme["invoice_number"] == chain["acme"].invoice.number
    assert report["totals"]["quantity_lb"] == "290.00"


def test_backward_trace_from_a_shipment_reaches_the_receipt_and_vendor(chain):
    report = trace({"sales_order": chain["harbor"].number, "direction": "backward"})
    assert {(lot["code"], lot["depth"]) for lot in report["lots"]} == {("ST1", 0), ("RR1", 0), ("R1", 1)}
    [receipt] = report["receipts"]
    assert (receipt["lot_code"], receipt["vendor_code"], receipt["vendor_lot_code"], receipt["quantity_lb"]) == (
        "R1", "SANDHILLS", "SH-4471", "1000.00",
    )  # fmt: skip
    assert receipt["establishment_number"] == "EST. 245C"
    from_lot = trace({"lot": "ST1", "direction": "backward"})
    assert [lot["code"] for lot in from_lot["lots"]] == ["ST1", "RR1", "R1"]


def test_recall_lists_the_customers_to_call_and_where_the_rest_lies(chain):
    report = recall({"lot": "R1"})
    rows = {r["customer_code"]: r for r in report["customers"]}
    assert set(rows) == {"ACME", "HARBOR"}
    assert (rows["HARBOR"]["quantity_lb"], rows["HARBOR"]["email"], rows["HARBOR"]["phone"]) == (
        "190.00", _email("harbor"), "+1 515 555 0101",
    )  # fmt: skip
    assert rows["HARBOR"]["lots"] == "ST1, RR1" and rows["ACME"]["invoices"] == chain["acme"].invoice.number
    assert rows["ACME"]["first_shipped"] == str(timezone.localdate())
    on_hand = {lot["lot_code"]: lot["lies_at"] for lot in report["on_hand"]}
    assert on_hand == {
        "RR1": [{"facility_code": "TRACE", "on_hand_lb": "10.00"}],
        "T1": [{"facility_code": "TRACE", "on_hand_lb": "100.00"}],
        "ST1": [{"facility_code": "TRACE", "on_hand_lb": "30.00"}],
    }


def test_reports_over_http_in_json_and_csv_and_bad_parameters_are_400(api, chain):
    body = api.get("/api/v2/reports/trace/", {"lot": chain["r1"].pk}).json()
    assert body["report"] == "trace" and len(body["lots"]) == 4
    response = api.get("/api/v2/reports/recall/", {"lot": "R1", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:5] == ["customer_code", "customer_name", "email", "phone", "quantity_lb"]
    assert {row[0] for row in table[1:-1]} == {"ACME", "HARBOR"} and table[-1][0] == "TOTAL"
    trace_csv = api.get("/api/v2/reports/trace/", {"lot": "R1", "format": "csv"}).content.decode()
    assert "shipment" in trace_csv and "SH-4471" not in trace_csv  # forward: shipments, not the vendor lot
    for query, field in (
        ({}, "lot"),
        ({"lot": "NOPE"}, "lot"),
        ({"lot": "R1", "direction": "sideways"}, "direction"),
        ({"sales_order": "SO-999999", "direction": "backward"}, "sales_order"),
        ({"lot": "R1", "colour": "red"}, "colour"),
    ):
        bad = api.get("/api/v2/reports/trace/", query)
        assert bad.status_code == 400, (query, bad.content)
        assert bad.json()["errors"][0]["field"] == field
