"""Every app's event types are registered with webhooks, and each example is its app's real payload shape."""

import pytest

from inventory.api.lots import LotSerializer
from ledger.api.serializers import BillSerializer, InvoiceSerializer
from sales.api.serializers import SalesOrderSerializer
from webhooks.events import EVENT_TYPES, example_event

SHAPES = {
    "sales_order.created": SalesOrderSerializer,
    "sales_order.confirmed": SalesOrderSerializer,
    "sales_order.shipped": SalesOrderSerializer,
    "invoice.posted": InvoiceSerializer,
    "invoice.paid": InvoiceSerializer,
    "bill.posted": BillSerializer,
    "bill.paid": BillSerializer,
    "lot.held": LotSerializer,
    "lot.released": LotSerializer,
}


def test_the_domain_apps_register_their_event_types():
    assert set(SHAPES) | {"ping", "atp.checked", "lp_solve.complete"} <= set(EVENT_TYPES)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_examples_have_the_resource_shape(name):
    # No database here (the test has no `db`): the example is built in memory by the app's payload function.
    example = example_event(name)["data"]["object"]
    assert list(example) == list(SHAPES[name]().fields)
    if "lines" in example:
        assert list(example["lines"][0]) == list(SHAPES[name]().fields["lines"].child.fields)
