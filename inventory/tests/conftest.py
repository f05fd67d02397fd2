"""Inventory fixtures: small factories that go through the services, like a user would."""

from datetime import date
from decimal import Decimal

import pytest

from cashsheet.testing import unique
from inventory import services
from inventory.models import Category


@pytest.fixture
def make_facility():
    def _make(code: str | None = None, **kwargs):
        kwargs.setdefault("name", "Plant")
        kwargs.setdefault("can_break", True)
        return services.facility_create(code=code or unique("F"), **kwargs)

    return _make


@pytest.fixture
def make_item():
    def _make(imps_code: str | None = None, **kwargs):
        kwargs.setdefault("description", "Rib; ribeye roll; lip-on")
        kwargs.setdefault("category", Category.SUBPRIMAL)
        kwargs.setdefault("standard_cost_per_lb", Decimal("10.0000"))
        kwargs.setdefault("list_price_per_lb", Decimal("14.2000"))
        return services.item_create(imps_code=imps_code or unique("I"), **kwargs)

    return _make


@pytest.fixture
def blythe(make_facility):
    return make_facility("BLYTHE", name="Blythe plant")


@pytest.fixture
def denver(make_facility):
    return make_facility("DENVER", name="Denver cold store", can_break=False)


@pytest.fixture
def ribeye(make_item):
    return make_item("112A")


@pytest.fixture
def receive():
    """Post a receipt: receive(facility, item, lb, on=date, cost=..., lot_code=... or lot=...).

    A new lot_code creates that lot (packed on the receipt date); none creates a generated lot.
    """

    def _receive(facility, item, lb, on=date(2026, 3, 1), cost="10.0000", lot_code="", **kwargs):
        [movement] = services.stock_post(
            facility=facility,
            item=item,
            kind="receipt",
            quantity_lb=Decimal(str(lb)),
            effective_date=on,
            unit_cost_per_lb=Decimal(cost),
            lot_code=lot_code,
            lot_details={k: kwargs.pop(k) for k in services.LOT_DETAILS if k in kwargs},
            **kwargs,
        )
        return movement

    return _receive


@pytest.fixture
def ship():
    """Ship first-expired-first-out (or from `lots=[(lot, lb)]`); returns every movement written."""

    def _ship(facility, item, lb, on=date(2026, 3, 5), **kwargs):
        return services.stock_issue(
            facility=facility, item=item, kind="shipment", quantity_lb=Decimal(str(lb)), effective_date=on, **kwargs
        )

    return _ship
