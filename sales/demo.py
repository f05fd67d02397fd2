"""Deterministic demo data for sales: the same customers on every machine."""

from decimal import Decimal

from sales.models import Customer
from sales.services import customer_create

DEMO_CUSTOMERS = [
    ("ACME", "Acme Steakhouse Group", "Omaha", "NE", 30, "75000.00", "crm-1001"),
    ("PRAIRIE", "Prairie Fine Foods", "Lincoln", "NE", 15, "40000.00", "crm-1002"),
    ("HARBOR", "Harbor Grill Co.", "Des Moines", "IA", 30, "25000.00", "crm-1003"),
    ("CITYMKT", "City Market Butchers", "Kansas City", "MO", 7, "15000.00", "crm-1004"),
    ("SUMMIT", "Summit Hotels Catering", "Denver", "CO", 45, "120000.00", "crm-1005"),
    ("RIVER", "Riverside Meat Distributors", "Sioux City", "IA", 30, "90000.00", None),
]


def seed_customers(silo) -> str:
    created = 0
    for code, name, city, region, terms, limit, ref in DEMO_CUSTOMERS:
        if Customer.objects.filter(code=code).exists():
            continue
        customer_create(
            code=code,
            name=name,
            email=f"orders@{code.lower()}.example.com",
            payment_terms_days=terms,
            credit_limit=Decimal(limit),
            external_ref=ref,
            billing_address={"line1": "100 Commerce Way", "city": city, "region": region, "country": "US"},
            shipping_address={"line1": "200 Dock Rd", "city": city, "region": region, "country": "US"},
        )
        created += 1
    return f"{created} customers created"
