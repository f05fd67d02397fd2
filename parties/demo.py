"""Deterministic demo counterparties: the same customers and vendors on every machine. Idempotent by code."""

from decimal import Decimal

from parties import selectors, services

CUSTOMERS = [
    # code, name, city, region, terms, credit limit, external_ref, min shelf life days on arrival
    ("ACME", "Acme Steakhouse Group", "Omaha", "NE", 30, "75000.00", "crm-1001", 10),
    ("PRAIRIE", "Prairie Fine Foods", "Lincoln", "NE", 15, "40000.00", "crm-1002", None),
    ("HARBOR", "Harbor Grill Co.", "Des Moines", "IA", 30, "25000.00", "crm-1003", None),
    ("CITYMKT", "City Market Butchers", "Kansas City", "MO", 7, "15000.00", "crm-1004", 5),
    ("SUMMIT", "Summit Hotels Catering", "Denver", "CO", 45, "120000.00", "crm-1005", 14),
    ("RIVER", "Riverside Meat Distributors", "Sioux City", "IA", 30, "90000.00", None, None),
]
VENDORS = [
    # code, name, contact, city, region, terms, external_ref
    ("SANDHILLS", "Sandhills Cattle Co.", "Dana Reyes", "Ord", "NE", 7, "ap-2001"),
    ("PLATTE", "Platte Valley Packing", "Sam Ortiz", "Grand Island", "NE", 14, "ap-2002"),
    ("HIGHPLAINS", "High Plains Beef", "Jo Lindqvist", "Greeley", "CO", 14, "ap-2003"),
    ("COLDCHAIN", "ColdChain Freight", "Ari Mensah", "Council Bluffs", "IA", 30, "ap-2004"),
    ("PACKRITE", "PackRite Packaging Supply", "Lee Novak", "Lincoln", "NE", 30, None),
]


def seed_parties(silo) -> str:
    customers = vendors = 0
    for code, name, city, region, terms, limit, ref, shelf_life in CUSTOMERS:
        if selectors.customer_list().filter(code__iexact=code).exists():
            continue
        services.customer_create(
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
        customers += 1
    for code, name, contact, city, region, terms, ref in VENDORS:
        if selectors.vendor_list().filter(code__iexact=code).exists():
            continue
        services.vendor_create(
            code=code,
            name=name,
            contact_name=contact,
            email=f"ar@{code.lower()}.example.com",
            payment_terms_days=terms,
            external_ref=ref,
            address={"line1": "10 Commerce St", "city": city, "region": region, "country": "US"},
        )
        vendors += 1
    return f"{customers} customers, {vendors} vendors created"
