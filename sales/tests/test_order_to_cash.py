"""End to end on the demo silo's data: create → confirm → ship (catch weights) → invoice → receipt → paid."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import Facility, Item, StockBalance
from ledger.models import JournalEntry
from parties.models import Customer
from silos.services import demo_seed_steps
from webhooks.models import Event


@pytest.fixture
def demo(silo):
    """The demo seed (every app's demo_seed) inside this test's transaction."""
    for _, _, seed in demo_seed_steps():
        seed(silo)


def _events(kind: str) -> int:
    return Event.objects.filter(type=kind).count()


def test_order_to_cash(api, demo):
    today = timezone.localdate()
    blythe = Facility.objects.get(code="BLYTHE")
    ribeye = Item.objects.get(imps_code="112A")
    customer = Customer.objects.get(code="ACME")
    on_hand_before = StockBalance.objects.get(facility=blythe, item=ribeye).on_hand_lb
    assert on_hand_before >= Decimal("300")
    events_before = {
        kind: _events(kind)
        for kind in (
            "sales_order.created",
            "sales_order.confirmed",
            "sales_order.shipped",
            "invoice.posted",
            "invoice.paid",
        )
    }

    # 1. The portal posts a confirmed order.
    created = api.post(
        "/api/v2/sales-orders/",
        {
            "customer": customer.pk,
            "facility": blythe.pk,
            "external_ref": "e2e-portal-1",
            "delivery_date": str(today + timedelta(days=2)),
            "status": "confirmed",
            "lines": [{"imps_code": "112A", "quantity_lb": "300"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["status"] == "confirmed"
    assert _events("sales_order.created") == events_before["sales_order.created"] + 1
    assert _events("sales_order.confirmed") == events_before["sales_order.confirmed"] + 1
    line = order["lines"][0]
    # The demo's chilled 112A all reaches its use-by inside the ATP horizon, and stock that would expire
    # unused has no opportunity cost in the LP: the marginal price may be 0 (it is a price, never negative).
    assert line["source_facility"] == blythe.pk and Decimal(line["marginal_price_per_lb"]) >= 0

    # 2. Ship with a catch weight a little under the order.
    shipped = api.patch(
        f"/api/v2/sales-orders/{order['id']}/",
        {"status": "shipped", "lines": [{"id": line["id"], "shipped_lb": "296.35"}]},
        format="json",
    )
    assert shipped.status_code == 200, shipped.content
    assert StockBalance.objects.get(facility=blythe, item=ribeye).on_hand_lb == on_hand_before - Decimal("296.35")
    cogs_entry = JournalEntry.objects.get(source="shipment", source_id=order["id"])
    assert sum(x.debit or 0 for x in cogs_entry.lines.all()) == sum(x.credit or 0 for x in cogs_entry.lines.all())
    assert _events("sales_order.shipped") == events_before["sales_order.shipped"] + 1

    # 3. Invoice the shipped weight.
    invoiced = api.post(f"/api/v2/sales-orders/{order['id']}/invoice/")
    assert invoiced.status_code == 200, invoiced.content
    invoice = api.get(f"/api/v2/invoices/{invoiced.json()['invoice']}/").json()
    expected_total = (Decimal("296.35") * Decimal(line["price_per_lb"])).quantize(Decimal("0.01"))
    assert invoice["status"] == "posted" and Decimal(invoice["total"]) == expected_total
    assert _events("invoice.posted") == events_before["invoice.posted"] + 1

    # 4. The customer pays in two receipts; the invoice moves to partially_paid, then paid.
    half = (expected_total / 2).quantize(Decimal("0.01"))
    for amount, status in ((half, "partially_paid"), (expected_total - half, "paid")):
        receipt = api.post(
            "/api/v2/receipts/",
            {
                "customer": customer.pk,
                "date": str(today),
                "amount": str(amount),
                "method": "ach",
                "reference": f"e2e-{status}",
                "applications": [{"invoice": invoice["id"], "amount": str(amount)}],
            },
            format="json",
        )
        assert receipt.status_code == 201, receipt.content
        assert api.get(f"/api/v2/invoices/{invoice['id']}/").json()["status"] == status
    assert _events("invoice.paid") == events_before["invoice.paid"] + 1
    final = api.get(f"/api/v2/invoices/{invoice['id']}/").json()
    assert Decimal(final["balance_due"]) == 0 and Decimal(final["amount_paid"]) == expected_total
    assert api.get(f"/api/v2/sales-orders/{order['id']}/").json()["status"] == "invoiced"

    # The books still balance.
    trial = api.get("/api/v2/reports/trial-balance/").json()
    assert trial["balanced"] is True and trial["totals"]["debit"] == trial["totals"]["credit"]


def test_demo_has_orders_in_every_status_and_reseeding_adds_nothing(silo, demo):
    from sales.demo import seed_sales_orders
    from sales.models import SalesOrder

    statuses = set(SalesOrder.objects.values_list("status", flat=True))
    assert statuses == {"draft", "confirmed", "shipped", "invoiced", "cancelled"}
    count = SalesOrder.objects.count()
    assert seed_sales_orders(silo) == "0 sales orders created"
    assert SalesOrder.objects.count() == count
