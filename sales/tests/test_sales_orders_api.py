"""Sales orders through the API: create, edit, confirm with ATP, ship with catch weights, invoice, cancel."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cashsheet.testing.api import assert_permission_matrix
from inventory.models import Reservation, StockBalance, StockMovement
from ledger.models import JournalEntry
from sales.models import SalesOrder
from webhooks.models import Event

URL = "/api/v2/sales-orders/"


def test_create_draft_by_imps_code_with_defaults(api, order_payload, ribeye, plant, today):
    response = api.post(URL, order_payload(), format="json")
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["status"] == "draft" and order["number"].startswith("SO-")
    assert order["allowed_next"] == ["confirmed", "cancelled"]
    line = order["lines"][0]
    assert line["item"] == ribeye.pk and line["imps_code"] == ribeye.imps_code
    assert line["price_per_lb"] == "14.2000"  # the item's list price
    assert line["facility"] == plant.pk and line["delivery_date"] == str(today + timedelta(days=3))
    assert order["total"] == "5680.00"
    assert Event.objects.filter(type="sales_order.created").count() == 1


def test_numbers_are_sequential(api, order_payload):
    numbers = [api.post(URL, order_payload(), format="json").json()["number"] for _ in range(3)]
    values = [int(n.split("-")[1]) for n in numbers]
    assert values == list(range(values[0], values[0] + 3))


def test_external_ref_makes_creation_idempotent(api, order_payload):
    first = api.post(URL, order_payload(external_ref="portal-77"), format="json")
    assert first.status_code == 201
    retry = api.post(URL, order_payload(external_ref="portal-77"), format="json")
    assert retry.status_code == 409
    assert retry.json()["existing_id"] == first.json()["id"]
    assert SalesOrder.objects.filter(external_ref="portal-77").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"imps_code": "NOPE9", "quantity_lb": 10}]}, "lines.0.imps_code"),
        ({"lines": [{"imps_code": "__ITEM__", "quantity_lb": 0}]}, "lines.0.quantity_lb"),
        ({"lines": [{"imps_code": "__ITEM__", "quantity_lb": "99999999"}]}, "lines.0.quantity_lb"),
        ({"lines": [{"quantity_lb": 5}]}, "lines.0.item"),
        ({"customer": 999999}, "customer"),
        ({"delivery_date": "14/03/2026"}, "delivery_date"),
        ({"colour": "red"}, "colour"),
        ({"status": "shipped"}, "status"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, order_payload, ribeye, change, field):
    body = order_payload()
    for line in change.get("lines", []):
        if line.get("imps_code") == "__ITEM__":
            line["imps_code"] = ribeye.imps_code
    body.update(change)
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not SalesOrder.objects.exists()


def test_draft_lines_are_editable_then_frozen(api, order_payload, stock, ribeye):
    order = api.post(URL, order_payload(), format="json").json()
    edited = api.patch(
        f"{URL}{order['id']}/",
        {"lines": [{"item": ribeye.pk, "quantity_lb": "250.5", "price_per_lb": "15"}]},
        format="json",
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["lines"][0]["quantity_lb"] == "250.50" and edited.json()["total"] == "3757.50"
    assert api.patch(f"{URL}{order['id']}/", {"status": "confirmed"}, format="json").status_code == 200
    frozen = api.patch(f"{URL}{order['id']}/", {"memo": "late change"}, format="json")
    assert frozen.status_code == 409
    assert frozen.json()["current_status"] == "confirmed"


def test_invalid_transition_names_state_and_allowed_next(api, order_payload):
    order = api.post(URL, order_payload(), format="json").json()
    response = api.patch(f"{URL}{order['id']}/", {"status": "invoiced"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["current_status"] == "draft" and body["allowed_next"] == ["confirmed", "cancelled"]


def test_confirm_reserves_and_later_checks_see_less(api, order_payload, stock, plant, ribeye, today):
    order = api.post(URL, order_payload("700", status="confirmed"), format="json")
    assert order.status_code == 201, order.content
    line = order.json()["lines"][0]
    assert order.json()["status"] == "confirmed"
    assert line["source_facility"] == plant.pk and line["marginal_price_per_lb"] is not None
    assert line["allocations"] == [
        {"source_facility": plant.pk, "source_facility_code": plant.code, "quantity_lb": "700.00"}
    ]
    assert Reservation.objects.filter(released_at__isnull=True, source_id=line["id"]).count() == 1
    check = api.post(
        "/api/v2/atp/check/",
        {
            "facility_id": plant.code,
            "imps_code": ribeye.imps_code,
            "quantity_lb": 500,
            "delivery_date": str(today + timedelta(days=3)),
        },
        format="json",
    ).json()
    assert check["result"] == "partial" and Decimal(str(check["available_lb"])) == Decimal("300")
    assert Event.objects.filter(type="sales_order.confirmed").count() == 1


def test_confirm_shortfall_is_409_with_per_line_atp_and_reserves_nothing(api, order_payload, stock):
    order = api.post(URL, order_payload("1500"), format="json").json()
    response = api.patch(f"{URL}{order['id']}/", {"status": "confirmed"}, format="json")
    assert response.status_code == 409
    line = response.json()["lines"][0]
    assert Decimal(str(line["available_lb"])) == Decimal("1000")
    assert not Reservation.objects.exists()
    assert SalesOrder.objects.get(pk=order["id"]).status == "draft"


def test_a_shortage_names_each_line_in_the_errors_shape_with_ids_only_of_rows_that_exist(api, order_payload, stock):
    """PATCH confirm: the lines exist, so their ids are given. POST confirmed: the refusal rolls the order and
    its lines back, so the 409 names lines by position only (no id of a row that is gone)."""
    two_lines = order_payload("1500")
    two_lines["lines"].append({**two_lines["lines"][0], "quantity_lb": "100"})
    draft = api.post(URL, two_lines, format="json").json()
    patched = api.patch(f"{URL}{draft['id']}/", {"status": "confirmed"}, format="json")
    assert patched.status_code == 409
    body = patched.json()
    assert body["code"] == "atp_shortage"
    assert [(x["line"], x["id"]) for x in body["lines"]] == [(0, draft["lines"][0]["id"]), (1, draft["lines"][1]["id"])]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("lines.0.quantity_lb", "atp_shortage")]
    assert "source_id" not in body["lines"][0]

    orders_before = SalesOrder.objects.count()
    posted = api.post(URL, {**two_lines, "status": "confirmed"}, format="json")
    assert posted.status_code == 409
    body = posted.json()
    assert body["code"] == "atp_shortage" and "existing_id" not in body
    assert [x["line"] for x in body["lines"]] == [0, 1]
    assert not any({"id", "source_id"} & set(x) for x in body["lines"]), body["lines"]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("lines.0.quantity_lb", "atp_shortage")]
    assert "1000" in body["errors"][0]["message"] and "1500" in body["errors"][0]["message"]
    assert SalesOrder.objects.count() == orders_before, "rolled back"


def test_ship_records_catch_weights_moves_stock_posts_cogs(api, order_payload, stock, plant, ribeye):
    order = api.post(URL, order_payload("400", status="confirmed"), format="json").json()
    line_id = order["lines"][0]["id"]
    too_far = api.patch(
        f"{URL}{order['id']}/", {"status": "shipped", "lines": [{"id": line_id, "shipped_lb": "445"}]}, format="json"
    )
    assert too_far.status_code == 400 and too_far.json()["errors"][0]["field"] == "lines.0.shipped_lb"
    shipped = api.patch(
        f"{URL}{order['id']}/", {"status": "shipped", "lines": [{"id": line_id, "shipped_lb": "391.40"}]}, format="json"
    )
    assert shipped.status_code == 200, shipped.content
    body = shipped.json()
    assert body["status"] == "shipped" and body["lines"][0]["shipped_lb"] == "391.40"
    assert body["total"] == "5557.88"  # 391.40 lb × $14.20
    balance = StockBalance.objects.get(facility=plant, item=ribeye)
    assert balance.on_hand_lb == Decimal("608.60")
    movement = StockMovement.objects.get(source_type="sales_order", source_id=order["id"])
    assert movement.kind == "shipment" and movement.quantity_lb == Decimal("391.40")
    entry = JournalEntry.objects.get(source="shipment", source_id=order["id"])
    debits = {line.account.role: line.debit for line in entry.lines.select_related("account") if line.debit}
    assert debits == {"cost_of_goods_sold": Decimal("3914.00")}  # at the $10.00 weighted average cost
    assert not Reservation.objects.filter(released_at__isnull=True).exists()
    assert Event.objects.filter(type="sales_order.shipped").count() == 1


def test_invoice_from_shipped_weights_linked_both_ways(api, order_payload, stock):
    order = api.post(URL, order_payload("400", status="confirmed"), format="json").json()
    line_id = order["lines"][0]["id"]
    api.patch(
        f"{URL}{order['id']}/", {"status": "shipped", "lines": [{"id": line_id, "shipped_lb": 402}]}, format="json"
    )
    invoiced = api.post(f"{URL}{order['id']}/invoice/")
    assert invoiced.status_code == 200, invoiced.content
    invoice_id = invoiced.json()["invoice"]
    invoice = api.get(f"/api/v2/invoices/{invoice_id}/").json()
    assert invoice["status"] == "posted" and invoice["total"] == "5708.40"
    assert invoice["sales_order_id"] == order["id"]
    assert api.post(f"{URL}{order['id']}/invoice/").status_code == 409


def test_cancel_releases_reservations(api, order_payload, stock):
    order = api.post(URL, order_payload("400", status="confirmed"), format="json").json()
    assert Reservation.objects.filter(released_at__isnull=True).count() == 1
    cancelled = api.patch(f"{URL}{order['id']}/", {"status": "cancelled"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["allowed_next"] == []
    assert not Reservation.objects.filter(released_at__isnull=True).exists()


def test_filters_search_ordering(api, order_payload, customer, stock):
    a = api.post(URL, order_payload(external_ref="crm-a"), format="json").json()
    api.post(URL, order_payload("10", status="confirmed", external_ref="crm-b"), format="json")
    assert api.get(f"{URL}?status=confirmed").json()["count"] == 1
    assert api.get(f"{URL}?external_ref=crm-a").json()["results"][0]["id"] == a["id"]
    assert api.get(f"{URL}?customer={customer.pk}").json()["count"] == 2
    assert api.get(f"{URL}?search={a['number']}").json()["count"] == 1
    assert api.get(f"{URL}?search=Acme").json()["count"] == 2
    numbers = [o["number"] for o in api.get(f"{URL}?ordering=number").json()["results"]]
    assert numbers == sorted(numbers)


def test_permission_matrix(make_user, client_for, api, order_payload):
    order = api.post(URL, order_payload(), format="json").json()
    assert_permission_matrix(
        make_user=make_user,
        client_for=client_for,
        app_label="sales",
        model="salesorder",
        list_url=URL,
        detail_url=f"{URL}{order['id']}/",
        create_payload=order_payload(),
        patch_payload={"memo": "rush"},
    )


def test_idempotency_key_replays_a_sales_order_post(api, order_payload, stock):
    body = order_payload("10", status="confirmed")
    first = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="portal-retry-1")
    assert first.status_code == 201, first.content
    again = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="portal-retry-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert SalesOrder.objects.count() == 1
    assert Reservation.objects.filter(released_at__isnull=True).count() == 1
    changed = api.post(URL, order_payload("11"), format="json", HTTP_IDEMPOTENCY_KEY="portal-retry-1")
    assert changed.status_code == 422


def test_idempotency_key_replays_a_receipt_post(api, customer):
    from ledger.services import invoice_create, invoice_post

    invoice = invoice_post(
        invoice=invoice_create(
            customer=customer,
            invoice_date=date(2026, 1, 5),
            lines=[{"description": "112A", "quantity_lb": "100", "price_per_lb": "14.20"}],
        )
    )
    body = {
        "customer": customer.pk,
        "date": "2026-01-20",
        "amount": "500.00",
        "method": "ach",
        "reference": "wire-1",
        "applications": [{"invoice": invoice.pk, "amount": "500.00"}],
    }
    first = api.post("/api/v2/receipts/", body, format="json", HTTP_IDEMPOTENCY_KEY="bank-feed-77")
    assert first.status_code == 201, first.content
    again = api.post("/api/v2/receipts/", body, format="json", HTTP_IDEMPOTENCY_KEY="bank-feed-77")
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("500.00")
