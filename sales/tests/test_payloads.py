"""A sales order's webhook payload is what GET returns, and what the schema's serializer describes."""

from cashsheet.testing.api import assert_renders_as_serializer
from sales import selectors
from sales.api.serializers import SalesOrderSerializer
from sales.payloads import sales_order_payload
from webhooks.models import Event

URL = "/api/v2/sales-orders/"


def test_order_payload_is_the_get_body_and_the_serializer_shape(api, order_payload, stock):
    created = api.post(URL, order_payload(status="confirmed", external_ref="pay-1"), format="json").json()
    order = selectors.sales_order_list().get(pk=created["id"])
    assert_renders_as_serializer(SalesOrderSerializer, order, sales_order_payload(order))
    shown = api.get(f"{URL}{order.pk}/").json()
    assert shown == sales_order_payload(order)
    confirmed = Event.objects.get(type="sales_order.confirmed", data__object__id=order.pk)
    assert confirmed.data["object"] == shown
    assert shown["lines"][0]["allocations"], "the confirmed line carries where its pounds come from"
