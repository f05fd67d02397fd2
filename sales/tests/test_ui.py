"""Sales orders in the silo UI: create with lines (draft, or confirmed with ATP), a shortfall shown per line,
the live line quote, ship with catch weights, invoice, cancel; and the API's permissions."""

from datetime import timedelta
from decimal import Decimal

from cashsheet.testing.ui import text, ui_client
from sales.models import SalesOrder

SALES = ("sales.view_salesorder", "sales.add_salesorder", "sales.change_salesorder", "atp.run_atpcheck")


def _order(customer, plant, today, *lines, action="draft"):
    data = {"customer": customer.pk, "facility": plant.pk, "delivery_date": str(today + timedelta(days=3)),
            "external_ref": "", "memo": "", "action": action, "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "50"}  # fmt: skip
    for n, (code, lb) in enumerate(lines):
        data[f"lines-{n}-item"], data[f"lines-{n}-quantity_lb"] = code, lb
    return data


def test_create_a_draft_then_confirm_ship_invoice(silo, make_user, customer, plant, ribeye, stock, today):
    client = ui_client(silo, make_user(*SALES))
    assert "Create and confirm" in text(client.get("/sales-orders/new/"))
    response = client.post("/sales-orders/new/", _order(customer, plant, today, (ribeye.imps_code.lower(), "400")))
    order = SalesOrder.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == f"/sales-orders/{order.pk}/"
    detail = text(client.get(response["Location"]))
    assert f"Sales order {order.number} saved as a draft" in detail and "400.00" in detail
    assert "Confirm" in detail and "Ship with these catch weights" not in detail

    assert client.post(f"/sales-orders/{order.pk}/confirm/").status_code == 302
    order.refresh_from_db()
    assert order.status == "confirmed"
    detail = text(client.get(f"/sales-orders/{order.pk}/"))
    assert "Ship with these catch weights" in detail and "Confirmed: ATP reserved every line" in detail

    line = order.lines.get()
    refused = client.post(f"/sales-orders/{order.pk}/ship/", {f"line-{line.pk}": "900", "ship_date": str(today)})
    assert refused.status_code == 200 and 'value="900"' in refused.content.decode()
    order.refresh_from_db()
    assert order.status == "confirmed"
    shipped = client.post(f"/sales-orders/{order.pk}/ship/", {f"line-{line.pk}": "396.40", "ship_date": str(today)})
    assert shipped.status_code == 302
    line.refresh_from_db()
    assert line.shipped_lb == Decimal("396.40")
    assert client.post(f"/sales-orders/{order.pk}/invoice/").status_code == 302
    order.refresh_from_db()
    assert order.status == "invoiced" and order.invoice_id
    assert f"Invoiced: {order.invoice.number}" in text(client.get(f"/sales-orders/{order.pk}/"))


def test_a_shortfall_shows_each_lines_answer_and_creates_nothing(silo, make_user, customer, plant, ribeye, stock,
                                                                 today):  # fmt: skip
    client = ui_client(silo, make_user(*SALES))
    response = client.post("/sales-orders/new/", _order(customer, plant, today, (ribeye.imps_code, "1500"),
                                                        action="confirm"))  # fmt: skip
    assert response.status_code == 200
    body = text(response)
    assert "Not confirmed" in body and "1,500.00" in body and "1,000.00" in body and "short" in body
    assert f'value="{ribeye.imps_code}"' in response.content.decode()  # what was typed is kept
    assert not SalesOrder.objects.filter(customer=customer).exists()


def test_line_errors_are_beside_the_line(silo, make_user, customer, plant, ribeye, today):
    client = ui_client(silo, make_user(*SALES))
    response = client.post("/sales-orders/new/", _order(customer, plant, today, ("NOPE", "10"), (ribeye.imps_code, "")))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No active item with IMPS code NOPE." in html and 'id="id_lines-1-quantity_lb_error"' in html
    empty = client.post("/sales-orders/new/", _order(customer, plant, today))
    assert "Add at least one line" in text(empty)


def test_the_live_line_quote(silo, make_user, plant, ribeye, stock, today):
    client = ui_client(silo, make_user(*SALES))
    data = {"lines-0-item": ribeye.imps_code, "lines-0-quantity_lb": "250", "facility": plant.pk,
            "delivery_date": str(today + timedelta(days=3))}  # fmt: skip
    answer = text(client.post("/atp/line-quote/?prefix=lines-0", data, HTTP_HX_REQUEST="true"))
    assert "feasible" in answer and "250.00 lb available" in answer and plant.code in answer
    data["lines-0-quantity_lb"] = "1800"
    assert "partial · 1,000.00 lb available" in text(client.post("/atp/line-quote/?prefix=lines-0", data))


def test_the_phone_quote_page(silo, make_user, plant, ribeye, stock, today):
    client = ui_client(silo, make_user("atp.run_atpcheck"))
    page = client.post("/atp/", {"item": ribeye.imps_code, "quantity_lb": "300", "facility": plant.pk,
                                 "delivery_date": str(today + timedelta(days=2))})  # fmt: skip
    assert page.status_code == 200 and "Yes: 300.00 lb" in text(page)
    assert ui_client(silo, make_user("sales.view_salesorder")).get("/atp/").status_code == 403


def test_a_reader_sees_no_buttons_and_gets_403(silo, make_user, customer, plant, ribeye, stock, today):
    writer = ui_client(silo, make_user(*SALES))
    writer.post("/sales-orders/new/", _order(customer, plant, today, (ribeye.imps_code, "100")))
    order = SalesOrder.objects.get(customer=customer)
    reader = ui_client(silo, make_user("sales.view_salesorder"))
    detail = text(reader.get(f"/sales-orders/{order.pk}/"))
    assert "Confirm" not in detail and "Cancel order" not in detail
    assert "New sales order" not in text(reader.get("/sales-orders/"))
    assert reader.post(f"/sales-orders/{order.pk}/confirm/").status_code == 403
    assert reader.post("/sales-orders/new/", _order(customer, plant, today, (ribeye.imps_code, "1"))).status_code == 403
    order.refresh_from_db()
    assert order.status == "draft" and SalesOrder.objects.filter(customer=customer).count() == 1


def test_dashboard_figures_link_to_their_lists(silo, make_user, customer, plant, ribeye, stock, today):
    writer = ui_client(silo, make_user(*SALES))
    writer.post("/sales-orders/new/", _order(customer, plant, today, (ribeye.imps_code, "100")))
    page = ui_client(silo, make_user(superuser=True)).get("/")
    html, body = page.content.decode(), text(page)
    assert "Open sales orders" in body and "Stock on hand" in body
    assert 'href="/sales-orders/?status=draft"' in html and 'href="/stock/?facility=' in html
    assert f"{plant.code} 1,000" in body
    seller = text(ui_client(silo, make_user("sales.view_salesorder")).get("/"))
    assert "Open sales orders" in seller and "Stock on hand" not in seller  # no view_stockbalance
