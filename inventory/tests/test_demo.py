"""The demo silo's inventory: realistic, deterministic and idempotent."""

from decimal import Decimal

from django.apps import apps

from inventory import selectors
from inventory.models import CuttingPattern, Facility, Item, StockMovement, TransferLane


def _snapshot():
    return {
        "facilities": sorted(Facility.objects.values_list("code", "can_break")),
        "lanes": TransferLane.objects.count(),
        "items": sorted(Item.objects.values_list("imps_code", "list_price_per_lb", "standard_cost_per_lb")),
        "patterns": sorted(
            (
                p.code,
                p.input_item.imps_code,
                tuple(sorted((o.item.imps_code, o.yield_fraction) for o in p.outputs.all())),
            )
            for p in CuttingPattern.objects.all()
        ),
        "movements": sorted(
            StockMovement.objects.values_list("facility__code", "item__imps_code", "quantity_lb", "value")
        ),
    }


def test_demo_seed_is_realistic_and_idempotent(silo):
    config = apps.get_app_config("inventory")
    assert config.demo_seed_order == 20
    config.demo_seed(silo)
    first = _snapshot()
    assert "created" in config.demo_seed(silo)
    assert _snapshot() == first  # the second run creates nothing

    assert {"BLYTHE", "OMAHA", "DENVER"} <= {code for code, _ in first["facilities"]}
    assert first["lanes"] == 6
    codes = {code for code, _, _ in first["items"]}
    assert len(codes) >= 25
    assert {"103", "174", "112A", "116A", "120", "167A", "180", "184", "189A", "193"} <= codes
    for code, price, cost in first["items"]:
        assert price > cost > 0, code
    for pattern in CuttingPattern.objects.all():
        total = sum(o.yield_fraction for o in pattern.outputs.all())
        assert Decimal("0.8") < total <= 1, pattern.code
        assert all(f.can_break for f in pattern.facilities.all())
    blythe, ribeye = Facility.objects.get(code="BLYTHE"), Item.objects.get(imps_code="112A")
    # The help page's ATP example (2400 lb of 112A at BLYTHE) has stock behind it today.
    assert selectors.stock_on_hand(facility=blythe, item=ribeye) >= Decimal("2400")
    for code in ("BLYTHE", "OMAHA", "DENVER"):
        assert StockMovement.objects.filter(facility__code=code, kind="receipt").exists()


def test_demo_price_file_is_a_ladder_a_meat_controller_would_accept(silo):
    """Cutting adds value at every step, by a believable margin, and primals sit where the cutout puts them."""
    from inventory.demo import CARCASS_YIELDS, CUTOUT_BANDS, CUTOUT_PER_LB

    apps.get_app_config("inventory").demo_seed(silo)
    price = dict(Item.objects.values_list("imps_code", "list_price_per_lb"))
    for pattern in CuttingPattern.objects.select_related("input_item").prefetch_related("outputs__item"):
        output_value = sum(o.yield_fraction * o.item.list_price_per_lb for o in pattern.outputs.all())
        input_cost = pattern.input_item.list_price_per_lb + pattern.processing_cost_per_lb
        margin = output_value / input_cost - 1
        assert output_value >= input_cost, (pattern.code, output_value, input_cost)
        assert Decimal("0.02") <= margin <= Decimal("0.12"), (pattern.code, margin)
    for codes, (low, high) in CUTOUT_BANDS.items():
        yields = {code: Decimal(y) for code, y in CARCASS_YIELDS if code in codes}
        ratio = sum(yields[c] * price[c] for c in codes) / sum(yields.values()) / CUTOUT_PER_LB
        assert low <= ratio <= high, (codes, ratio)
    # Primal values weighted by their carcass yields come back to the cutout (within 3 %).
    primal_value = sum(Decimal(y) * price[c] for c, y in CARCASS_YIELDS if c not in ("FAT",))
    assert abs(primal_value / CUTOUT_PER_LB - 1) < Decimal("0.03")
    # The carcass is bought below the cutout; trim grades and by-products sit at market levels.
    assert price["100"] < CUTOUT_PER_LB
    assert price["TRIM50"] < price["TRIM81"] < price["TRIM90"] < price["116A"]
    assert price["134"] < price["FAT"] < Decimal("0.50")
    assert {"117", "118", "121", "FLANK", "FAT", "134"} <= set(price)
