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
    # The demo's chilled 112A all reaches its use-by inside the ATP horizon; stock that would expire unused
    # still forgoes its salvage value when promised (docs/atp.md "Expiring stock"), so the price is positive.
    assert line["source_facility"] == blythe.pk and Decimal(line["marginal_price_per_lb"]) > 0

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


def test_demo_lots_are_dated_one_is_held_and_atp_and_shipments_honour_them(silo, demo):
    from atp.selectors import position_load
    from inventory.models import Lot, LotBalance, StockMovement
    from sales.models import SalesOrderLineLot

    today = timezone.localdate()
    assert not StockMovement.objects.filter(lot__isnull=True).exists()
    lots = list(Lot.objects.select_related("item"))
    assert all(lot.pack_date <= today and lot.use_by_date > lot.pack_date for lot in lots)
    near = [lot for lot in lots if lot.use_by_date <= today + timedelta(days=5)]
    assert len(near) >= 10  # an older lot per pair, a few days from its use-by
    assert any(lot.state == "frozen" and lot.use_by_date > today + timedelta(days=90) for lot in lots)
    [held] = [lot for lot in lots if lot.on_hold]
    assert (held.item.imps_code, held.hold_reason) == ("112A", held.holds.get().reason)
    # Shipments never took the held lot nor one arriving with less shelf life than the customer requires.
    for row in SalesOrderLineLot.objects.select_related("lot", "line__order__customer"):
        order = row.line.order
        days = (
            order.min_shelf_life_days if order.min_shelf_life_days is not None else order.customer.min_shelf_life_days
        )
        arrival = max(row.line.delivery_date, order.ship_date)
        assert not row.lot.on_hold and row.lot.use_by_date >= arrival + timedelta(days=days or 0), row.lot.code
    assert SalesOrderLineLot.objects.filter(line__order__customer__code="ACME").exists()
    # The ATP's position leaves the held lot out and dates the rest by use-by: a line wanting shelf life past
    # the near-expiry lots' dates cannot be promised them.
    blythe = Facility.objects.get(code="BLYTHE")
    ribeye = Item.objects.get(imps_code="112A")
    on_hand = sum(b.on_hand_lb for b in LotBalance.objects.filter(facility=blythe, lot__item=ribeye))
    held_lb = LotBalance.objects.get(lot=held).on_hand_lb
    position = position_load(item_ids={ribeye.pk}, today=today, days=30)
    assert held_lb > 0 and Decimal(str(position.supply[(blythe.pk, ribeye.pk, 0)])) == on_hand - held_lb
    omaha = Facility.objects.get(code="OMAHA")
    soon = min(lot.use_by_date for lot in near if lot.facility_id == omaha.pk and lot.item_id == ribeye.pk)
    assert (soon - today).days in {day for day, _ in position.dated[(omaha.pk, ribeye.pk)]}
