"""Sales fixtures: a plant with stock of one item, and a customer, built through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cashsheet.testing import unique
from inventory import services as inventory
from parties.services import customer_create


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plant():
    return inventory.facility_create(code=unique("P"), name="Plant", can_break=True)


@pytest.fixture
def ribeye():
    return inventory.item_create(
        imps_code=unique("R"),
        description="Rib; ribeye roll; lip-on",
        category="subprimal",
        list_price_per_lb=Decimal("14.2000"),
        standard_cost_per_lb=Decimal("9.5000"),
    )


@pytest.fixture
def stock(plant, ribeye, today):
    """1,000 lb of ribeye at the plant, received yesterday at $10.00/lb."""
    return inventory.stock_movement_post(
        facility=plant,
        item=ribeye,
        kind="receipt",
        quantity_lb=Decimal("1000"),
        effective_date=today - timedelta(days=1),
        unit_cost_per_lb=Decimal("10"),
    )


@pytest.fixture
def customer():
    return customer_create(code=unique("C"), name="Acme Steakhouse", payment_terms_days=30)


@pytest.fixture
def order_payload(customer, plant, ribeye, today):
    def _payload(quantity="400", **extra):
        body = {
            "customer": customer.pk,
            "facility": plant.pk,
            "delivery_date": str(today + timedelta(days=3)),
            "lines": [{"imps_code": ribeye.imps_code, "quantity_lb": quantity}],
        }
        body.update(extra)
        return body

    return _payload
