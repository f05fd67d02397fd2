"""Deterministic demo sales orders, in every status, on the parties and stock the earlier steps seeded."""

from decimal import Decimal

# (external_ref, customer, facility, [(imps_code, lb)], days from today to delivery, final status)
DEMO_ORDERS = [
    ("demo-so-01", "ACME", "BLYTHE", [("112A", "1200"), ("180", "300")], -20, "invoiced"),
    ("demo-so-02", "PRAIRIE", "OMAHA", [("116A", "800")], -12, "invoiced"),
    ("demo-so-03", "HARBOR", "BLYTHE", [("112A", "400")], -3, "shipped"),
    ("demo-so-04", "SUMMIT", "BLYTHE", [("112A", "2400")], 5, "confirmed"),
    ("demo-so-05", "CITYMKT", "OMAHA", [("120", "350"), ("167A", "500")], 7, "confirmed"),
    ("demo-so-06", "RIVER", "BLYTHE", [("189A", "250")], 10, "draft"),
    ("demo-so-07", "ACME", "DENVER", [("189A", "150")], 12, "draft"),
    ("demo-so-08", "PRAIRIE", "BLYTHE", [("184", "600")], 8, "cancelled"),
]
# Catch weights: what the boxes actually weighed, as a fraction of the ordered lb.
CATCH_WEIGHT = Decimal("0.987")


# The seed's confirmations may solve for this long: `make demo` on a busy machine must not fail on a 503.
SEED_SOLVE_LIMIT_S = 30.0


def seed_sales_orders(silo) -> str:
    """Orders in every status, driven through the same services as the API. Idempotent by external_ref."""
    from atp.services import atp_time_limit_floor

    with atp_time_limit_floor(SEED_SOLVE_LIMIT_S):
        return _seed_sales_orders(silo)


def _seed_sales_orders(silo) -> str:
    from datetime import timedelta

    from django.utils import timezone

    from inventory.models import Facility, Item
    from parties.selectors import customer_list
    from sales.models import SalesOrder
    from sales.services import (
        LineInput,
        sales_order_cancel,
        sales_order_confirm,
        sales_order_create,
        sales_order_invoice,
        sales_order_ship,
    )

    today = timezone.localdate()
    created = 0
    for ref, customer_code, facility_code, lines, days, final in DEMO_ORDERS:
        if SalesOrder.objects.filter(external_ref=ref).exists():
            continue
        facility = Facility.objects.filter(code=facility_code).first()
        items = {i.imps_code: i for i in Item.objects.filter(imps_code__in=[code for code, _ in lines])}
        customer = customer_list().filter(code=customer_code).first()
        if facility is None or customer is None or len(items) != len(lines):
            continue  # the inventory seed did not run: nothing to order
        past = days < 0
        order = sales_order_create(
            customer=customer,
            facility=facility,
            external_ref=ref,
            order_date=today + timedelta(days=min(days, 0) - 3),
            delivery_date=today + timedelta(days=max(days, 1)),
            lines=[LineInput(item=items[code], quantity_lb=Decimal(lb)) for code, lb in lines],
        )
        if final in ("confirmed", "shipped", "invoiced", "cancelled"):
            order = sales_order_confirm(order=order)
        if final == "cancelled":
            sales_order_cancel(order=order)
        if final in ("shipped", "invoiced"):
            shipped = {
                line.pk: (line.quantity_lb * CATCH_WEIGHT).quantize(Decimal("0.01")) for line in order.lines.all()
            }
            order = sales_order_ship(order=order, shipped=shipped, ship_date=today if not past else None)
        if final == "invoiced":
            sales_order_invoice(order=order)
        created += 1
    return f"{created} sales orders created"
