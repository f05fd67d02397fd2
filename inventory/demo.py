"""Deterministic demo data for inventory: the same plants, catalogue, yields and stock on every machine.

Names and codes come from USDA IMPS (../shared/data/imps-beef-100-series.csv); prices and costs per
lb follow the proportions of USDA's boxed-beef cutout (below), a demo, not a market quote. Trim, fat,
bones and the whole flank carry house codes (IMPS has no code for them) except 134, IMPS "Beef bones".
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from inventory import services
from inventory.models import CuttingPattern, Facility, Item, Lot, LotState, StockMovement, TransferLane
from parties.models import Vendor

D = Decimal
OPENING_SOURCE = "demo_opening"
# The demo's stock is in lots packed shortly before the day it is seeded, so shelf life is live:
# per facility and item an older lot (a few days from its use-by) and a fresher one; some trim and
# by-products frozen; one lot on hold.
HELD_LOT = ("BLYTHE", "112A", "QA hold: customer complaint (off-odour), lab results pending")
FROZEN = {("BLYTHE", "TRIM50"), ("OMAHA", "TRIM50"), ("DENVER", "TRIM81"), ("OMAHA", "134")}
VENDOR_BY_FACILITY = {"BLYTHE": "SANDHILLS", "OMAHA": "PLATTE", "DENVER": "HIGHPLAINS"}
ESTABLISHMENT = {"SANDHILLS": "EST. 245C", "PLATTE": "EST. 960A", "HIGHPLAINS": "EST. 86R"}
# Chilled shelf-life days where the item differs from its category's default.
SHELF_LIFE = {"189A": 35, "180": 45, "112A": 45, "TRIM81": 7, "TRIM50": 7, "FAT": 10, "134": 7}

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

# The price file follows USDA's boxed-beef cutout (../shared/data/usda-boxed-beef-cutout-samples.csv): each
# primal's list price is its value relative to the composite cutout, inside the band the Choice reports show;
# the carcass sits below the cutout by the packer's margin; subprimals sit above their primal by the
# fabrication margin, so every cutting pattern returns more at list than its input's list price plus its
# processing cost (inventory/tests/test_demo.py asserts this ladder). Figures are a demo, not a quote.
CUTOUT_PER_LB = D("3.60")  # Choice composite cutout, $/lb of carcass ($360/cwt)
# Primal value / composite cutout across the Choice samples; the cutout's loin is short loin and sirloin
# together. The foreshank is no cutout primal: it is priced on the lean trim it yields.
CUTOUT_BANDS = {
    ("103",): (D("1.29"), D("1.58")),  # rib
    ("174", "181"): (D("1.20"), D("1.49")),  # loin
    ("158",): (D("0.77"), D("1.01")),  # round
    ("113",): (D("0.78"), D("0.91")),  # chuck
    ("118",): (D("0.66"), D("0.82")),  # brisket
    ("121",): (D("0.66"), D("0.74")),  # short plate
    ("FLANK",): (D("0.53"), D("0.61")),  # flank
}

ITEMS = [
    # imps_code, description, category, standard cost per lb, list price per lb
    ("100", "Carcass", "carcass", "3.1400", "3.3000"),
    ("101", "Side", "carcass", "3.1800", "3.3400"),
    ("103", "Rib (primal)", "primal", "5.2500", "5.5800"),
    ("109E", "Rib; ribeye; lip-on; bone-in", "subprimal", "7.9000", "8.6000"),
    ("112A", "Rib; ribeye roll; lip-on", "subprimal", "10.6000", "11.6000"),
    ("113", "Chuck; square-cut (primal)", "primal", "3.0500", "3.2400"),
    ("114A", "Chuck; shoulder clod; trimmed", "subprimal", "4.8500", "5.3000"),
    ("114D", "Chuck; shoulder clod; top blade", "subprimal", "6.2000", "6.8000"),
    ("116A", "Chuck; chuck roll", "subprimal", "5.7000", "6.2000"),
    ("116B", "Chuck; chuck tender", "subprimal", "4.7500", "5.2000"),
    ("116G", "Chuck; chuck flap", "subprimal", "7.9000", "8.6000"),
    ("117", "Foreshank (primal)", "primal", "1.7000", "1.8000"),
    ("118", "Brisket (primal)", "primal", "2.7000", "2.8800"),
    ("120", "Brisket; deckle-off; boneless", "subprimal", "4.6000", "5.0000"),
    ("120A", "Brisket; flat cut; boneless", "subprimal", "7.7000", "8.4000"),
    ("121", "Short plate (primal)", "primal", "2.4800", "2.6300"),
    ("121C", "Plate; outside skirt", "subprimal", "9.9000", "10.8000"),
    ("123A", "Short plate; short ribs; trimmed", "subprimal", "5.4000", "5.9000"),
    ("124", "Rib; back ribs", "subprimal", "3.5000", "3.8000"),
    ("130", "Chuck; short rib", "subprimal", "7.3000", "8.0000"),
    ("158", "Round; primal", "primal", "3.3200", "3.5300"),
    ("167A", "Round; knuckle; peeled", "subprimal", "5.3000", "5.8000"),
    ("168", "Round; top (inside); untrimmed", "subprimal", "5.4000", "5.9000"),
    ("171B", "Round; outside round (flat)", "subprimal", "5.1500", "5.6000"),
    ("171C", "Round; eye of round", "subprimal", "5.5000", "6.0000"),
    ("174", "Short loin; short cut (primal)", "primal", "5.9000", "6.3000"),
    ("180", "Loin; strip loin; boneless (0x1)", "subprimal", "11.2000", "12.2000"),
    ("181", "Loin; sirloin (primal)", "primal", "3.9000", "4.1400"),
    ("184", "Loin; top sirloin butt; boneless", "subprimal", "4.7500", "5.2000"),
    ("185A", "Loin; bottom sirloin butt; flap; boneless", "subprimal", "7.0000", "7.6000"),
    ("189A", "Loin; tenderloin; full; side muscle on; defatted", "subprimal", "19.8000", "21.5000"),
    ("193", "Flank; flank steak", "subprimal", "5.9000", "6.4000"),
    ("FLANK", "Flank (primal, house code)", "primal", "2.0400", "2.1600"),
    ("TRIM50", "Beef trimmings; 50% lean (house code)", "trim", "1.1800", "1.3000"),
    ("TRIM81", "Beef trimmings; 81% lean (house code)", "trim", "2.4000", "2.6000"),
    ("TRIM90", "Beef trimmings; 90% lean (house code)", "trim", "3.3000", "3.6000"),
    ("FAT", "Beef fat (house code)", "by-product", "0.2800", "0.3200"),
    ("134", "Beef bones", "by-product", "0.1000", "0.1200"),
]

# Breaking a carcass: the eight primals plus the foreshank come to 95.5 % of its weight (USDA's composite
# weights), kidney and pelvic fat 1.5 %, cooler and cutting shrink 3 %.
CARCASS_YIELDS = [
    ("113", "0.27"),
    ("158", "0.22"),
    ("103", "0.10"),
    ("174", "0.09"),
    ("181", "0.07"),
    ("121", "0.085"),
    ("FLANK", "0.05"),
    ("118", "0.04"),
    ("117", "0.03"),
    ("FAT", "0.015"),
]

PATTERNS = [
    # code, name, input, processing cost per input lb, outputs (imps_code, yield fraction)
    ("100-TO-PRIMALS", "Carcass to primals", "100", "0.1000", CARCASS_YIELDS),
    ("101-TO-PRIMALS", "Side to primals", "101", "0.1000", CARCASS_YIELDS),
    (
        "103-TO-112A",
        "Rib to ribeye roll and back ribs",
        "103",
        "0.3500",
        [("112A", "0.48"), ("124", "0.12"), ("TRIM81", "0.10"), ("FAT", "0.15"), ("134", "0.12")],
    ),
    (
        "103-TO-109E",
        "Rib to bone-in ribeye",
        "103",
        "0.2500",
        [("109E", "0.70"), ("TRIM81", "0.08"), ("FAT", "0.12"), ("134", "0.07")],
    ),
    (
        "174-TO-180-189A",
        "Short loin to strip loin and tenderloin",
        "174",
        "0.4000",
        [("180", "0.34"), ("189A", "0.12"), ("TRIM81", "0.12"), ("FAT", "0.22"), ("134", "0.17")],
    ),
    (
        "181-TO-184",
        "Sirloin to top butt, flap and tenderloin",
        "181",
        "0.3800",
        [("184", "0.38"), ("185A", "0.10"), ("189A", "0.08"), ("TRIM81", "0.12"), ("FAT", "0.16"), ("134", "0.13")],
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
            ("TRIM81", "0.18"),
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
            ("168", "0.25"),
            ("171B", "0.18"),
            ("171C", "0.07"),
            ("167A", "0.13"),
            ("TRIM81", "0.12"),
            ("FAT", "0.07"),
            ("134", "0.15"),
        ],
    ),
    (
        "118-TO-120",
        "Brisket to boneless brisket",
        "118",
        "0.2200",
        [("120", "0.62"), ("TRIM50", "0.10"), ("FAT", "0.13"), ("134", "0.12")],
    ),
    (
        "120-TO-120A",
        "Boneless brisket to brisket flat",
        "120",
        "0.1500",
        [("120A", "0.58"), ("TRIM81", "0.20"), ("FAT", "0.20")],
    ),
    (
        "121-TO-PLATE",
        "Short plate to short ribs and outside skirt",
        "121",
        "0.2200",
        [("123A", "0.30"), ("121C", "0.07"), ("TRIM50", "0.35"), ("FAT", "0.15"), ("134", "0.10")],
    ),
    (
        "FLANK-TO-193",
        "Flank to flank steak",
        "FLANK",
        "0.2000",
        [("193", "0.30"), ("TRIM50", "0.40"), ("FAT", "0.25")],
    ),
    (
        "117-TO-TRIM90",
        "Foreshank to lean trimmings",
        "117",
        "0.1500",
        [("TRIM90", "0.55"), ("FAT", "0.07"), ("134", "0.35")],
    ),
]

# Opening lb by category at each facility; DENVER is a cold store: boxed product only.
OPENING_LB = {
    "BLYTHE": {"carcass": 24000, "primal": 9000, "subprimal": 4000, "trim": 6000, "by-product": 3000},
    "OMAHA": {"carcass": 36000, "primal": 12000, "subprimal": 5000, "trim": 8000, "by-product": 4000},
    "DENVER": {"subprimal": 3000, "trim": 2000},
}
OPENING_OVERRIDES = {("BLYTHE", "112A"): 12000, ("OMAHA", "112A"): 6000, ("DENVER", "189A"): 800}


def seed_inventory(silo) -> str:
    """Create what is missing; re-running changes nothing."""
    counts = dict.fromkeys(("facilities", "lanes", "items", "patterns", "receipts"), 0)
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
            extra = {"shelf_life_days": SHELF_LIFE[code]} if code in SHELF_LIFE else {}
            item = services.item_create(
                imps_code=code,
                description=description,
                species="beef",
                category=category,
                grade="USDA Choice" if category in ("carcass", "primal", "subprimal") else "",
                standard_cost_per_lb=D(cost),
                list_price_per_lb=D(price),
                **extra,
            )
            counts["items"] += 1
        out[code] = item
    return out


def _opening_lots(item: Item, fac_code: str, lb: Decimal, position: int, today: date) -> list[dict]:
    """Two lots: 40 % packed long enough ago to be 2-5 days from its use-by, 60 % fresher."""
    frozen = (fac_code, item.imps_code) in FROZEN
    days = item.frozen_shelf_life_days if frozen else item.shelf_life_days
    older = max(days - 2 - position % 4, 1)
    fresher = max(days // 5 + position % 5, 1)
    state = LotState.FROZEN if frozen else LotState.CHILLED
    first = (lb * D("0.4")).quantize(D("1"))
    return [
        {"pack_date": today - timedelta(days=older), "lb": first, "state": state},
        {"pack_date": today - timedelta(days=fresher), "lb": lb - first, "state": state},
    ]


def _opening_stock(facilities, items, counts) -> None:
    done = set(
        StockMovement.objects.filter(source_type=OPENING_SOURCE).values_list("facility__code", "item__imps_code")
    )
    today = timezone.localdate()
    vendors = {v.code: v for v in Vendor.objects.all()}
    for fac_code, by_category in OPENING_LB.items():
        vendor = vendors.get(VENDOR_BY_FACILITY[fac_code])
        for position, (code, _, category, cost, _) in enumerate(ITEMS):
            lb = OPENING_OVERRIDES.get((fac_code, code), by_category.get(category))
            if not lb or (fac_code, code) in done:
                continue
            for letter, spec in zip("AB", _opening_lots(items[code], fac_code, D(lb), position, today), strict=True):
                pack = spec["pack_date"]
                lot = services.lot_create(
                    item=items[code],
                    facility=facilities[fac_code],
                    code=f"{fac_code[:3]}-{pack:%y%j}{letter}-{code}",
                    origin="receipt",
                    pack_date=pack,
                    kill_date=pack - timedelta(days=2) if category != "by-product" else None,
                    state=spec["state"],
                    vendor=vendor,
                    vendor_lot_code=f"{vendor.code[:4]}-{pack:%m%d}" if vendor else "",
                    establishment_number=ESTABLISHMENT.get(vendor.code, "") if vendor else "",
                    unit_cost_per_lb=D(cost),
                )
                services.stock_movement_post(
                    facility=facilities[fac_code],
                    item=items[code],
                    kind="receipt",
                    quantity_lb=spec["lb"],
                    effective_date=min(pack + timedelta(days=1), today),
                    lot=lot,
                    unit_cost_per_lb=D(cost),
                    memo="Opening stock",
                    source_type=OPENING_SOURCE,
                )
                counts["receipts"] += 1
    fac_code, code, reason = HELD_LOT
    held = Lot.objects.filter(facility__code=fac_code, item__imps_code=code).order_by("pack_date", "id").first()
    if held is not None and not held.holds.exists():
        services.lot_hold(lot=held, reason=reason)
