"""Operations fixtures: two plants joined by a lane, items of a cutting ladder, a vendor; and the invariant."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cashsheet.testing import unique
from inventory import services as inventory
from operations.selectors import inventory_reconciliation

D = Decimal


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plant(silo):
    return inventory.facility_create(code=unique("P"), name="Plant", can_break=True)


@pytest.fixture
def store(silo):
    return inventory.facility_create(code=unique("S"), name="Cold store", can_break=False)


@pytest.fixture
def lane(plant, store):
    return inventory.transfer_lane_create(
        from_facility=plant, to_facility=store, lead_time_days=2, cost_per_lb=D("0.0800")
    )


@pytest.fixture
def make_item(silo):
    def _make(prefix="I", category="subprimal", price="10.0000", cost="6.0000", **kwargs):
        return inventory.item_create(
            imps_code=unique(prefix), description=f"{prefix} item", category=category,
            list_price_per_lb=D(price), standard_cost_per_lb=D(cost), **kwargs,
        )  # fmt: skip

    return _make


@pytest.fixture
def ribeye(make_item):
    return make_item("R", price="14.2000", cost="9.5000")


@pytest.fixture
def vendor(silo):
    from parties.services import vendor_create

    return vendor_create(code=unique("V"), name="Packer")


def assert_reconciled(*facilities, as_of=None):
    """Inventory accounts = stock valuation (on hand + in transit) at each facility, to the cent."""
    rows = {row.facility_id: row for row in inventory_reconciliation(as_of=as_of)}
    for facility in facilities:
        row = rows.get(facility.pk)
        if row is None:
            continue
        assert row.difference == 0, (facility.code, row)


@pytest.fixture
def reconciled():
    return assert_reconciled


@pytest.fixture
def yesterday(today):
    return today - timedelta(days=1)


@pytest.fixture
def rib_pattern(make_item, plant):
    """109 rib → 112A ribeye (48 %), back ribs (12 %), fat (15 %) and bone (12 %): 87 % yield, 13 % shrink."""
    rib = make_item("RIB", category="primal", price="9.2500", cost="5.5800")
    outputs = {
        "ribeye": make_item("EYE", price="11.6000"),
        "backribs": make_item("BKR", price="3.8000"),
        "fat": make_item("FAT", category="by-product", price="0.3200", cost="0.2000"),
        "bone": make_item("BONE", category="by-product", price="0.1200", cost="0.0500"),
    }
    yields = {"ribeye": "0.48", "backribs": "0.12", "fat": "0.15", "bone": "0.12"}
    pattern = inventory.cutting_pattern_create(
        code=unique("RIB-CUT"), name="Rib to ribeye", input_item=rib, processing_cost_per_lb=D("0.3500"),
        facilities=[plant], outputs=[{"item": outputs[k], "yield_fraction": D(y)} for k, y in yields.items()],
    )  # fmt: skip
    pattern.rib = rib
    pattern.out = outputs
    return pattern
