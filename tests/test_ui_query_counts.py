"""Every silo UI list page issues a fixed number of queries whatever the number of rows (issue 16), pinned
per page: a page that starts querying per row, or gains a query, fails here and names itself.

The world grows from one row of each kind to four; each list is read after both, by a silo admin.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cashsheet.testing import unique
from cashsheet.testing.ui import page_queries, ui_client

D = Decimal
# Queries per page (the host lookup and the schema switch not counted): session, user, then the page's own.
PINNED = {
    "/customers/": 4,
    "/vendors/": 4,
    "/items/": 4,
    "/facilities/": 4,
    "/transfer-lanes/": 4,
    "/cutting-patterns/": 6,
    "/stock/": 5,
    "/stock/lots/": 5,
    "/stock-movements/": 4,
    "/lots/": 6,
    "/sales-orders/": 4,
    "/invoices/": 5,
    "/bills/": 5,
    "/receipts/": 5,
    "/payments/": 5,
    "/journal-entries/": 5,
    "/periods/": 4,
    "/production-orders/": 7,
    "/transfer-orders/": 6,
    "/lp-runs/": 4,
    "/settings/webhooks/": 3,
    "/settings/users/": 4,
    "/profile/tokens/": 3,
}


def _grow(n: int, base) -> None:
    """n more rows of every kind a list shows, through the services (as the API makes them)."""
    from atp.models import LpRun
    from inventory import services as inventory
    from ledger import services as ledger
    from ledger.models import Account
    from operations.services import production, transfers
    from operations.services.perpetual import stock_post_valued
    from parties import services as parties
    from sales.services import LineInput, sales_order_create
    from silos.members.services import token_create, user_create
    from webhooks.services import endpoint_create

    expense = Account.objects.filter(type="expense", role=None, active=True).order_by("code").first()
    cash, other = Account.objects.filter(role=None, active=True).order_by("code")[:2]
    today = timezone.localdate()
    for _ in range(n):
        customer = parties.customer_create(code=unique("QC"), name="Q customer")
        vendor = parties.vendor_create(code=unique("QV"), name="Q vendor")
        item = inventory.item_create(imps_code=unique("Q"), description="Q item", category="subprimal",
                                     list_price_per_lb=D("9"), standard_cost_per_lb=D("5"))  # fmt: skip
        plant = inventory.facility_create(code=unique("QP"), name="Q plant", can_break=True)
        lane = inventory.transfer_lane_create(from_facility=base["plant"], to_facility=plant, lead_time_days=1,
                                              cost_per_lb=D("0.05"))  # fmt: skip
        pattern = inventory.cutting_pattern_create(code=unique("QPAT"), input_item=base["input"], facilities=[plant],
                                                   outputs=[{"item": item, "yield_fraction": D("0.5")}])  # fmt: skip
        stock_post_valued(facility=base["plant"], item=item, kind="receipt", quantity_lb=D("50"),
                          effective_date=today - timedelta(days=1), unit_cost_per_lb=D("5"))  # fmt: skip
        invoice = ledger.invoice_create(customer=customer, invoice_date=today,
                                        lines=[{"description": "q", "amount": D("10")}])  # fmt: skip
        ledger.invoice_post(invoice=invoice)
        ledger.bill_create(vendor=vendor, bill_date=today,
                           lines=[{"description": "q", "amount": D("4"), "account": expense}])  # fmt: skip
        ledger.receipt_create(customer=customer, date=today, amount=D("10"), method="ach",
                              applications=[{"invoice": invoice, "amount": D("10")}])  # fmt: skip
        ledger.payment_create(vendor=vendor, date=today, amount=D("3"), method="ach", applications=[])
        ledger.journal_entry_post(
            entry_date=today,
            memo="q",
            source="manual",
            lines=[{"account": cash, "debit": D("1")}, {"account": other, "credit": D("1")}],
        )
        year = 2100 + base["periods"]
        base["periods"] += 1
        ledger.period_create(name=unique("QY"), start_date=date(year, 1, 1), end_date=date(year, 1, 31))
        sales_order_create(customer=customer, facility=base["plant"], delivery_date=today + timedelta(days=3),
                           lines=[LineInput(item=item, quantity_lb=D("5"))])  # fmt: skip
        production.production_order_create(pattern=pattern, facility=plant, production_date=today,
                                           planned_input_lb=D("20"))  # fmt: skip
        transfers.transfer_order_create(lane=lane, item=item, quantity_lb=D("5"), ship_date=today)
        LpRun.objects.create(horizon_days=14, status="succeeded")
        endpoint_create(url=f"http://127.0.0.1:9/{unique('h')}", events=["*"])
        user = user_create(username=unique("q").lower(), actor=None)
        token_create(user=user, name="q")


@pytest.fixture
def base(silo, settings):
    settings.CASHSHEET_WEBHOOK_ALLOW_PRIVATE = True
    from inventory import services as inventory

    return {"plant": inventory.facility_create(code=unique("QB"), name="Q base", can_break=True),
            "input": inventory.item_create(imps_code=unique("QI"), description="Q input", category="primal",
                                           list_price_per_lb=D("6"), standard_cost_per_lb=D("4")),
            "periods": 0}  # fmt: skip


def test_every_list_page_issues_a_fixed_number_of_queries(silo, make_user, base):
    client = ui_client(silo, make_user(superuser=True))
    _grow(1, base)
    for path in PINNED:
        page_queries(client, path)  # the first request of a process fills its caches (content types, forms)
    few = {path: page_queries(client, path) for path in PINNED}
    _grow(3, base)
    many = {path: page_queries(client, path) for path in PINNED}
    grew = {path: (few[path], many[path]) for path in PINNED if few[path] != many[path]}
    assert not grew, f"queries grew with the rows (1 → 4 of each): {grew}"
    pinned = {path: count for path, count in PINNED.items() if count is not None}
    assert {p: many[p] for p in pinned} == pinned, f"query counts changed: {many}"
