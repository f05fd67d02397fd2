"""A plant manager's day in a real browser: a cutting pattern with its outputs and yield sum, a production
order planned, released and completed with actual outputs into a lot, that lot's trace, and an LP planning
run watched from queued to succeeded (a real Celery worker) with its plan downloaded as CSV. Then an
accountant's: an invoice made with lines, posted, and paid by one receipt across it and an older invoice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cashsheet.testing import unique


@pytest.fixture
def plant_world(committed):
    from inventory import services as inventory
    from operations.services.perpetual import stock_post_valued
    from parties.services import customer_create

    today = timezone.localdate()
    plant = inventory.facility_create(code=unique("OP"), name="Ops plant", can_break=True)

    def item(prefix, description, category="subprimal", price="10.0000"):
        return inventory.item_create(imps_code=unique(prefix), description=description, category=category,
                                     list_price_per_lb=Decimal(price), standard_cost_per_lb=Decimal("5"))  # fmt: skip

    rib = item("109", "Rib, oven-prepared", "primal", "9.2500")
    eye, fat = item("112", "Ribeye roll, lip-on", price="14.2000"), item("FAT", "Fat trim", "by-product", "0.3000")
    stock_post_valued(facility=plant, item=rib, kind="receipt", quantity_lb=Decimal("400"),
                      effective_date=today - timedelta(days=1), unit_cost_per_lb=Decimal("5.5000"))  # fmt: skip
    customer = customer_create(code=unique("OC"), name="Ops Bistro", payment_terms_days=30)
    return {"plant": plant, "rib": rib, "eye": eye, "fat": fat, "customer": customer, "today": today}


def test_plant_manager_pattern_production_trace_and_lp_run(pages, live_person, plant_world, make_worker):
    w = plant_world
    name, password = unique("mgr").lower(), "browser ops password 1"
    live_person(name, password, superuser=True)
    p = pages()
    page = p.page
    p.sign_in(name, password)

    page.goto("/cutting-patterns/new/")
    code = unique("RIBCUT")
    page.locator("#id_code").fill(code)
    page.get_by_label("Input item (IMPS code)").fill(w["rib"].imps_code)
    page.locator("#id_process").select_option("breaking")
    page.get_by_label(str(w["plant"])).check()
    page.get_by_label("Output item (IMPS code), line 1").fill(w["eye"].imps_code)
    page.get_by_label("Yield (fraction), line 1").fill("0.7")
    page.get_by_label("Output item (IMPS code), line 2").fill(w["fat"].imps_code)
    page.get_by_label("Yield (fraction), line 2").fill("0.4")
    page.get_by_role("button", name="Create cutting pattern").click()
    page.get_by_text("may not exceed 1").wait_for()  # 1.1: refused, beside the outputs, what was typed kept
    assert page.locator("#yield-total").inner_text() == "1.1"
    page.get_by_label("Yield (fraction), line 2").fill("0.15")
    page.get_by_role("button", name="Create cutting pattern").click()
    page.get_by_text(f"Saved cutting pattern {code.upper()}.").wait_for()
    assert "0.85" in page.locator("main").inner_text()
    p.shot("cutting-pattern")

    page.goto("/production-orders/new/")
    page.get_by_label("Cutting pattern").select_option(label=code.upper())
    page.locator("#id_facility").select_option(label=str(w["plant"]))
    page.get_by_label("Planned input lb").fill("200")
    page.get_by_role("button", name="Plan production order").click()
    page.get_by_text("Planned production order").wait_for()
    number = page.locator("h1").inner_text().split()[-1]
    page.get_by_role("button", name=f"Release {number}").click()
    page.get_by_text(f"Production order {number} released.").wait_for()
    page.get_by_role("link", name=f"Complete with actual outputs of {number}").click()
    page.get_by_label(f"Actual lb of {w['eye'].imps_code}").fill("138.40")
    page.get_by_label(f"Lot code of {w['eye'].imps_code}").fill("EYE-BROWSER-1")
    p.shot("production-order-complete")
    page.get_by_role("button", name=f"Complete {number}").click()
    page.get_by_text(f"Production order {number} completed.").wait_for()
    p.shot("production-order-completed")
    page.get_by_role("link", name="EYE-BROWSER-1").click()
    page.get_by_role("link", name="Trace backward lot EYE-BROWSER-1").click()
    assert w["rib"].imps_code in page.locator("main").inner_text()
    p.shot("lot-trace")

    make_worker(beat=False, concurrency=1)
    page.goto("/lp-runs/")
    page.get_by_role("link", name="New LP run").click()
    page.get_by_role("button", name="Start run").click()
    page.get_by_text("queued.").wait_for()
    page.locator("#lp-run-status", has_text="succeeded").wait_for(timeout=120_000)  # htmx polled the page
    p.shot("lp-run-succeeded")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the plan as CSV").click()
    assert open(download.value.path()).readline().startswith("kind,date,facility_id")


def test_accountant_invoices_with_lines_and_one_receipt_pays_two(pages, live_person, plant_world):
    from ledger import services as ledger

    w = plant_world
    older = ledger.invoice_post(invoice=ledger.invoice_create(
        customer=w["customer"], invoice_date=w["today"] - timedelta(days=40),
        lines=[{"description": "Last month's ribeye", "amount": Decimal("300.00")}]))  # fmt: skip
    name, password = unique("acct").lower(), "browser ops password 2"
    live_person(name, password, superuser=True)
    p = pages()
    page = p.page
    p.sign_in(name, password)
    page.goto("/invoices/")
    page.get_by_role("link", name="New invoice").click()
    page.get_by_label("Customer").select_option(label=str(w["customer"]))
    page.get_by_label("Item (IMPS code), line 1").fill(w["eye"].imps_code)
    page.get_by_label("Pounds, line 1").fill("20")
    page.get_by_label("Price $/lb, line 1").fill("14.20")
    page.get_by_label("Description, line 2").fill("Delivery")
    page.get_by_label("Amount $, line 2").fill("16.00")
    p.shot("invoice-new")
    page.get_by_role("button", name="Create draft invoice").click()
    page.get_by_text("Created draft invoice").wait_for()
    number = page.locator("h1").inner_text().split()[-1]
    assert "300.00" in page.locator("main").inner_text()  # 20 × 14.20 + 16.00 = 300.00
    page.get_by_role("button", name=f"Post {number}").click()
    page.get_by_text(f"Invoice {number} posted.").wait_for()

    page.goto("/receipts/new/")
    page.get_by_label("Customer").select_option(label=str(w["customer"]))
    page.get_by_label(f"Apply to {older.number} $").wait_for()  # htmx brought the customer's open invoices
    page.locator("#id_amount").fill("600.00")
    page.get_by_label("Method").select_option("ach")
    page.get_by_role("button", name="Fill oldest first").click()
    assert page.get_by_label(f"Apply to {older.number} $").input_value() == "300.00"
    assert page.get_by_label(f"Apply to {number} $").input_value() == "300.00"
    p.shot("receipt-across-invoices")
    page.get_by_role("button", name="Record receipt").click()
    page.get_by_text("$600.00 applied.").wait_for()
    page.goto("/reports/ar-aging/")
    assert w["customer"].code not in page.locator("main table").last.inner_text()
