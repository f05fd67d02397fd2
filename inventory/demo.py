"""Deterministic demo data for inventory: the same plants, catalogue, yields and stock on every machine.

Names and codes come from USDA IMPS (../shared/data/imps-beef-100-series.csv); prices and costs per
lb are plausible boxed-beef figures for a demo, not a market quote. Trim, fat and bones carry house
codes (IMPS has no code for them) except 134, IMPS "Beef bones".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from inventory import services
from inventory.models import CuttingPattern, Facility, Item, StockMovement, TransferLane, Vendor

D = Decimal
OPENING_DATE = date(2026, 1, 2)
OPENING_SOURCE = "demo_opening"

FACILITIES = [
    # code, name, city, region, timezone, can_break, breaking and fabrication capacity lb of input per day
    ("BLYTHE", "Blythe processing plant", "Blythe", "NE", "America/Chicago", True, "180000.00", "180000.00"),
    ("OMAHA", "Omaha fabrication plant", "Omaha", "NE", "America/Chicago", True, "250000.00", "250000.00"),
    ("DENVER", "Denver cold store", "Denver", "CO", "America/Denver", False, "0.00", "0.00"),
]

LANES = [  # from, to, lead time days, cost per lb; every pair both ways
    ("BLYTHE", "OMAHA", 1, "0.0400"),
    ("OMAHA", "BLYTHE", 1, "0.0400"),
    ("BLYTHE", "DENVER", 2, "0.0700"),
    ("DENVER", "BLYTHE", 2, "0.0700"),
    ("OMAHA", "DENVER", 2, "0.0600"),
    ("DENVER", "OMAHA", 2, "0.0600"),
]

ITEMS = [
    # imps_code, description, category, standard cost per lb, list price per lb
    ("100", "Carcass", "carcass", "3.4000", "3.6500"),
    ("101", "Side", "carcass", "3.5000", "3.7500"),
    ("103", "Rib (primal)", "primal", "7.5000", "8.9000"),
    ("109E", "Rib; ribeye; lip-on; bone-in", "subprimal", "9.8000", "11.5000"),
    ("112A", "Rib; ribeye roll; lip-on", "subprimal", "11.1000", "14.2000"),
    ("113", "Chuck; square-cut (primal)", "primal", "3.9000", "4.6000"),
    ("114A", "Chuck; shoulder clod; trimmed", "subprimal", "4.5000", "5.3000"),
    ("114D", "Chuck; shoulder clod; top blade", "subprimal", "5.6000", "6.6000"),
    ("116A", "Chuck; chuck roll", "subprimal", "4.6000", "5.4000"),
    ("116B", "Chuck; chuck tender", "subprimal", "4.2000", "5.0000"),
    ("116G", "Chuck; chuck flap", "subprimal", "6.0000", "7.1000"),
    ("120", "Brisket; deckle-off; boneless", "subprimal", "4.1000", "4.9000"),
    ("120A", "Brisket; flat cut; boneless", "subprimal", "5.2000", "6.2000"),
    ("123A", "Short plate; short ribs; trimmed", "subprimal", "6.2000", "7.4000"),
    ("130", "Chuck; short rib", "subprimal", "6.0000", "7.2000"),
    ("158", "Round; primal", "primal", "3.8000", "4.4000"),
    ("167A", "Round; knuckle; peeled", "subprimal", "4.0000", "4.7000"),
    ("168", "Round; top (inside); untrimmed", "subprimal", "4.1000", "4.8000"),
    ("171B", "Round; outside round (flat)", "subprimal", "3.9000", "4.6000"),
    ("171C", "Round; eye of round", "subprimal", "4.3000", "5.1000"),
    ("174", "Short loin; short cut (primal)", "primal", "7.6000", "9.0000"),
    ("180", "Loin; strip loin; boneless (0x1)", "subprimal", "9.2000", "11.4000"),
    ("181", "Loin; sirloin (primal)", "primal", "5.2000", "6.1000"),
    ("184", "Loin; top sirloin butt; boneless", "subprimal", "5.6000", "6.7000"),
    ("185A", "Loin; bottom sirloin butt; flap; boneless", "subprimal", "6.5000", "7.8000"),
    ("189A", "Loin; tenderloin; full; side muscle on; defatted", "subprimal", "17.5000", "21.5000"),
    ("193", "Flank; flank steak", "subprimal", "7.6000", "9.0000"),
    ("TRIM50", "Beef trimmings; 50% lean (house code)", "trim", "1.4000", "1.7500"),
    ("TRIM81", "Beef trimmings; 81% lean (house code)", "trim", "2.6000", "3.1000"),
    ("FAT", "Beef fat (house code)", "by-product", "0.3000", "0.4000"),
    ("134", "Beef bones", "by-product", "0.4500", "0.6000"),
]

CARCASS_YIELDS = [
    ("113", "0.27"),
    ("158", "0.22"),
    ("103", "0.10"),
    ("174", "0.10"),
    ("181", "0.07"),
    ("120", "0.04"),
    ("193", "0.01"),
    ("TRIM50", "0.06"),
    ("FAT", "0.05"),
    ("134", "0.04"),
]  # 0.96: 4 % shrink

PATTERNS = [
    # code, name, input, processing cost per input lb, outputs (imps_code, yield fraction)
    ("100-TO-PRIMALS", "Carcass to primals", "100", "0.1800", CARCASS_YIELDS),
    ("101-TO-PRIMALS", "Side to primals", "101", "0.1800", CARCASS_YIELDS),
    (
        "103-TO-112A",
        "Rib to ribeye roll",
        "103",
        "0.3500",
        [("112A", "0.35"), ("TRIM81", "0.10"), ("FAT", "0.20"), ("134", "0.28")],
    ),
    (
        "103-TO-109E",
        "Rib to bone-in ribeye",
        "103",
        "0.2500",
        [("109E", "0.62"), ("TRIM81", "0.08"), ("FAT", "0.12"), ("134", "0.14")],
    ),
    (
        "174-TO-180-189A",
        "Short loin to strip loin and tenderloin",
        "174",
        "0.4000",
        [("180", "0.32"), ("189A", "0.14"), ("TRIM81", "0.12"), ("FAT", "0.20"), ("134", "0.18")],
    ),
    (
        "181-TO-184",
        "Sirloin to top butt, flap and tenderloin",
        "181",
        "0.3800",
        [("184", "0.38"), ("185A", "0.10"), ("189A", "0.08"), ("TRIM81", "0.12"), ("FAT", "0.15"), ("134", "0.13")],
    ),
    (
        "113-TO-CHUCK",
        "Chuck to roll, clod, tender, flap and short rib",
        "113",
        "0.3000",
        [
            ("116A", "0.17"),
            ("114A", "0.16"),
            ("114D", "0.04"),
            ("116B", "0.03"),
            ("116G", "0.05"),
            ("130", "0.06"),
            ("TRIM81", "0.16"),
            ("FAT", "0.10"),
            ("134", "0.18"),
        ],
    ),
    (
        "158-TO-ROUND",
        "Round to top, flat, eye and knuckle",
        "158",
        "0.2800",
        [
            ("168", "0.23"),
            ("171B", "0.15"),
            ("171C", "0.05"),
            ("167A", "0.12"),
            ("TRIM81", "0.15"),
            ("FAT", "0.08"),
            ("134", "0.17"),
        ],
    ),
]

# Opening lb by category at each facility; DENVER is a cold store: boxed product only.
OPENING_LB = {
    "BLYTHE": {"carcass": 24000, "primal": 9000, "subprimal": 4000, "trim": 6000, "by-product": 3000},
    "OMAHA": {"carcass": 36000, "primal": 12000, "subprimal": 5000, "trim": 8000, "by-product": 4000},
    "DENVER": {"subprimal": 3000, "trim": 2000},
}
OPENING_OVERRIDES = {("BLYTHE", "112A"): 12000, ("OMAHA", "112A"): 6000, ("DENVER", "189A"): 800}

VENDORS = [
    # code, name, contact, city, region, terms, external_ref
    ("SANDHILLS", "Sandhills Cattle Co.", "Dana Reyes", "Ord", "NE", 7, "ap-2001"),
    ("PLATTE", "Platte Valley Packing", "Sam Ortiz", "Grand Island", "NE", 14, "ap-2002"),
    ("HIGHPLAINS", "High Plains Beef", "Jo Lindqvist", "Greeley", "CO", 14, "ap-2003"),
    ("COLDCHAIN", "ColdChain Freight", "Ari Mensah", "Council Bluffs", "IA", 30, "ap-2004"),
    ("PACKRITE", "PackRite Packaging Supply", "Lee Novak", "Lincoln", "NE", 30, None),
]


def seed_inventory(silo) -> str:
    """Create what is missing; re-running changes nothing."""
    counts = dict.fromkeys(("facilities", "lanes", "items", "patterns", "vendors", "receipts"), 0)
    facilities = _facilities(counts)
    items = _items(counts)
    for src, dst, days, cost in LANES:
        if not TransferLane.objects.filter(from_facility=facilities[src], to_facility=facilities[dst]).exists():
            services.transfer_lane_create(
                from_facility=facilities[src], to_facility=facilities[dst], lead_time_days=days, cost_per_lb=D(cost)
            )
            counts["lanes"] += 1
    breakers = [f for f in facilities.values() if f.can_break]
    for code, name, input_code, cost, outputs in PATTERNS:
        if CuttingPattern.objects.filter(code=code).exists():
            continue
        services.cutting_pattern_create(
            code=code,
            name=name,
            input_item=items[input_code],
            processing_cost_per_lb=D(cost),
            facilities=breakers,
            outputs=[{"item": items[c], "yield_fraction": D(y)} for c, y in outputs],
        )
        counts["patterns"] += 1
    _opening_stock(facilities, items, counts)
    _vendors(counts)
    return ", ".join(f"{n} {name}" for name, n in counts.items()) + " created"


def _facilities(counts) -> dict[str, Facility]:
    out = {}
    for code, name, city, region, tz, can_break, breaking, fabrication in FACILITIES:
        facility = Facility.objects.filter(code=code).first()
        if facility is None:
            facility = services.facility_create(
                code=code,
                name=name,
                timezone=tz,
                can_break=can_break,
                breaking_capacity_lb=D(breaking),
                fabrication_capacity_lb=D(fabrication),
                address={"line1": "1 Plant Rd", "city": city, "region": region, "country": "US"},
            )
            counts["facilities"] += 1
        out[code] = facility
    return out


def _items(counts) -> dict[str, Item]:
    out = {}
    for code, description, category, cost, price in ITEMS:
        item = Item.objects.filter(imps_code=code).first()
        if item is None:
            item = services.item_create(
                imps_code=code,
                description=description,
                species="beef",
                category=category,
                grade="USDA Choice" if category in ("carcass", "primal", "subprimal") else "",
                standard_cost_per_lb=D(cost),
                list_price_per_lb=D(price),
            )
            counts["items"] += 1
        out[code] = item
    return out


def _opening_stock(facilities, items, counts) -> None:
    done = set(
        StockMovement.objects.filter(source_type=OPENING_SOURCE).values_list("facility__code", "item__imps_code")
    )
    for fac_code, by_category in OPENING_LB.items():
        for code, _, category, cost, _ in ITEMS:
            lb = OPENING_OVERRIDES.get((fac_code, code), by_category.get(category))
            if not lb or (fac_code, code) in done:
                continue
            services.stock_movement_post(
                facility=facilities[fac_code],
                item=items[code],
                kind="receipt",
                quantity_lb=D(lb),
                effective_date=OPENING_DATE,
                lot_code=f"OPEN-{fac_code}-{code}",
                unit_cost_per_lb=D(cost),
                memo="Opening stock",
                source_type=OPENING_SOURCE,
            )
            counts["receipts"] += 1


def _vendors(counts) -> None:
    for code, name, contact, city, region, terms, ref in VENDORS:
        if Vendor.objects.filter(code__iexact=code).exists():
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
        counts["vendors"] += 1
