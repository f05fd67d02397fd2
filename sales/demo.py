"""Deterministic demo data for sales: the same customers on every machine."""

from decimal import Decimal

from sales.models import Customer
from sales.services import customer_create

DEMO_CUSTOMERS = [
    # code, name, city, region, terms, credit limit, external_ref, min shelf life days on arrival
    ("ACME", "Acme Steakhouse Group", "Omaha", "NE", 30, "75000.00", "crm-1001", 10),
    ("PRAIRIE", "Prairie Fine Foods", "Lincoln", "NE", 15, "40000.00", "crm-1002", None),
    ("HARBOR", "Harbor Grill Co.", "Des Moines", "IA", 30, "25000.00", "crm-1003", None),
    ("CITYMKT", "City Market Butchers", "Kansas City", "MO", 7, "15000.00", "crm-1004", 5),
    ("SUMMIT", "Summit Hotels Catering", "Denver", "CO", 45, "120000.00", "crm-1005", 14),
    ("RIVER", "Riverside Meat Distributors", "Sioux City", "IA", 30, "90000.00", None, None),
]


def seed_customers(silo) -> str:
    created = 0
    for code, name, city, region, terms, limit, ref, shelf_life in DEMO_CUSTOMERS:
        if Customer.objects.filter(code=code).exists():
            continue
        customer_create(
            code=code,
            name=name,
            email=f"orders@{code.lower()}.example.com",
            payment_terms_days=terms,
            credit_limit=Decimal(limit),
            external_ref=ref,
            phone=f"+1 402 555 01{len(name) % 90:02d}",
            min_shelf_life_days=shelf_life,
            billing_address={"line1": "100 Commerce Way", "city": city, "region": region, "country": "US"},
            shipping_address={"line1": "200 Dock Rd", "city": city, "region": region, "country": "US"},
        )
        created += 1
    return f"{created} customers created"


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


def seed_sales_orders(silo) -> str:
    """Orders in every status, driven through the same services as the API. Idempotent by external_ref."""
    from datetime import timedelta

    from django.utils import timezone

    from inventory.models import Facility, Item
    from sales.models import SalesOrder
    from sales.services import (
        sales_order_cancel,
        sales_order_confirm,
        sales_order_create,
        sales_order_invoice,
        sales_order_ship,
    )
    from sales.services.orders import LineInput

    today = timezone.localdate()
    created = 0
    for ref, customer_code, facility_code, lines, days, final in DEMO_ORDERS:
        if SalesOrder.objects.filter(external_ref=ref).exists():
            continue
        facility = Facility.objects.filter(code=facility_code).first()
        items = {i.imps_code: i for i in Item.objects.filter(imps_code__in=[code for code, _ in lines])}
        customer = Customer.objects.filter(code=customer_code).first()
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
