"""Order to cash in a real browser: a sales user creates an order with a live ATP quote, meets a shortfall
shown per line, confirms, ships with a catch weight; an accounting user invoices; a reader sees no write
buttons and is refused a crafted POST."""

from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.contrib.auth.models import Permission
from django.utils import timezone

from cashsheet.testing import unique

SALES = ["sales.view_salesorder", "sales.add_salesorder", "sales.change_salesorder", "atp.run_atpcheck",
         "parties.view_customer", "inventory.view_item", "inventory.view_stockbalance"]  # fmt: skip


def _grant(user, *perms: str) -> None:
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


@pytest.fixture
def world(committed):
    """A plant with 500 lb of one item, and a customer, committed in the `live` silo."""
    from inventory import services as inventory
    from parties.services import customer_create

    today = timezone.localdate()
    plant = inventory.facility_create(code=unique("BP"), name="Browser plant", can_break=True)
    item = inventory.item_create(imps_code=unique("B"), description="Strip loin, boneless", category="subprimal",
                                 list_price_per_lb=Decimal("12.5000"), standard_cost_per_lb=Decimal("8"))  # fmt: skip
    inventory.stock_movement_post(facility=plant, item=item, kind="receipt", quantity_lb=Decimal("500"),
                                  effective_date=today - timedelta(days=1), unit_cost_per_lb=Decimal("8"))  # fmt: skip
    customer = customer_create(code=unique("BC"), name="Browser Steakhouse")
    return {"plant": plant, "item": item, "customer": customer, "today": today}


def _line(page, n: int, code: str, lb: str) -> None:
    page.get_by_label(f"Item (IMPS code), line {n}").fill(code)
    page.get_by_label(f"Pounds, line {n}").fill(lb)


def test_sales_user_orders_with_atp_then_ships_and_accounting_invoices(pages, live_person, world):
    seller, password = unique("seller").lower(), "browser order password 1"
    _grant(live_person(seller, password), *SALES)
    p = pages()
    page = p.page
    p.sign_in(seller, password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sales orders").click()
    page.get_by_role("link", name="New sales order").click()

    page.get_by_label("Customer").select_option(label=str(world["customer"]))
    page.get_by_label("Ship from").select_option(label=str(world["plant"]))
    page.get_by_label("Delivery date").fill(str(world["today"] + timedelta(days=2)))
    code = world["item"].imps_code
    _line(page, 1, code, "800")  # more than the 500 lb on hand
    quote = page.locator("#quote-0")
    quote.get_by_text("partial").wait_for()  # htmx asked ATP while typing
    assert "500.00 lb available" in quote.inner_text()
    page.get_by_role("button", name="Create and confirm").click()
    shortage = page.get_by_role("alert").filter(has_text="Not confirmed")
    shortage.wait_for()
    assert "800.00" in shortage.inner_text() and "500.00" in shortage.inner_text()
    p.shot("sales-order-shortfall")

    _line(page, 1, code, "450")
    page.locator("#quote-0").get_by_text("feasible").wait_for()
    assert world["plant"].code in page.locator("#quote-0").inner_text()
    p.shot("sales-order-new")
    page.get_by_role("button", name="Create and confirm").click()
    page.get_by_text("confirmed.").wait_for()
    number = page.locator("h1").inner_text().split()[2]
    p.shot("sales-order-confirmed")

    page.get_by_label("Shipped lb, line 1").fill("446.30")
    page.get_by_role("button", name="Ship with these catch weights").click()
    page.get_by_text(f"Sales order {number} shipped.").wait_for()
    assert "446.30" in page.locator("table").first.inner_text()
    p.sign_out()

    clerk, clerk_password = unique("clerk").lower(), "browser order password 2"
    _grant(live_person(clerk, clerk_password), "sales.view_salesorder", "sales.change_salesorder",
           "ledger.view_invoice", "ledger.view_receipt", "ledger.add_receipt")  # fmt: skip
    p.sign_in(clerk, clerk_password)
    page.goto("/sales-orders/?search=" + number)
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name=f"Invoice {number}").click()
    page.get_by_text(f"Sales order {number} invoiced.").wait_for()
    timeline = page.locator(".timeline").inner_text()
    assert "Invoiced: INV-" in timeline
    invoice_number = timeline.split("Invoiced: ")[1].split()[0]
    p.shot("sales-order-invoiced")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invoices").click()
    page.get_by_role("searchbox", name="Search").fill(invoice_number)
    page.get_by_role("link", name=invoice_number).click()  # htmx filtered the list while typing
    page.get_by_role("link", name=f"Record a receipt for {invoice_number}").click()
    assert page.get_by_label("Amount $").input_value() != ""
    page.get_by_label("Method").select_option("ach")
    page.get_by_role("button", name="Record receipt").click()
    page.get_by_text("applied.").wait_for()
    page.goto(f"/invoices/?search={invoice_number}")
    assert "paid" in page.locator("#list-panel table").inner_text()
    page.goto("/reports/ar-aging/")
    table = page.locator("main table").last.inner_text()
    assert world["customer"].code not in table  # nothing open for that customer any more
    p.shot("report-ar-aging")


def test_a_reader_sees_no_write_buttons_and_a_crafted_post_is_refused(pages, live_person, world, http_server,
                                                                     live_silo):  # fmt: skip
    from sales import services
    from sales.services import LineInput

    order = services.sales_order_create(customer=world["customer"], facility=world["plant"],
                                        delivery_date=world["today"] + timedelta(days=2),
                                        lines=[LineInput(item=world["item"], quantity_lb=Decimal("10"))])  # fmt: skip
    reader, password = unique("reader").lower(), "browser order password 3"
    _grant(live_person(reader, password), "sales.view_salesorder", "parties.view_customer")
    p = pages()
    page = p.page
    p.sign_in(reader, password)
    page.goto(f"/sales-orders/{order.pk}/")
    assert page.get_by_role("button").filter(has_text="Confirm").count() == 0
    assert page.get_by_role("link", name="New sales order").count() == 0
    page.goto("/sales-orders/")
    assert page.get_by_role("link", name="New sales order").count() == 0
    # The page's own session and CSRF token, a POST its buttons would send: refused all the same.
    cookies = {c["name"]: c["value"] for c in p.context.cookies()}
    response = requests.post(
        f"{http_server.url}/sales-orders/{order.pk}/confirm/",
        cookies=cookies, headers={"Host": live_silo.host, "X-CSRFToken": cookies["csrftoken"]}, timeout=10,
    )  # fmt: skip
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "draft"


def test_a_sales_rep_asks_atp_on_a_phone(pages, live_person, world):
    rep, password = unique("rep").lower(), "browser order password 4"
    _grant(live_person(rep, password), "atp.run_atpcheck", "inventory.view_item")
    p = pages(width=390)
    page = p.page
    p.sign_in(rep, password)
    page.goto("/atp/")
    page.get_by_label("Item (IMPS code)").fill(world["item"].imps_code)
    page.get_by_label("Pounds").fill("120")
    page.get_by_label("Deliver at").select_option(label=str(world["plant"]))
    page.get_by_role("button", name="Check").click()  # htmx: the answer replaces the panel
    page.get_by_role("heading", name="Yes: 120.00 lb").wait_for()
    assert world["plant"].code in page.locator("#quote-result").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    p.shot("atp-quote-phone")
