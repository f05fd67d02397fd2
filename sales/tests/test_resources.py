"""The shared API matrix (cashsheet.testing.api.ResourceTests) for sales orders."""

from datetime import timedelta
from decimal import Decimal

import pytest

from cashsheet.testing import unique
from cashsheet.testing.api import ResourceTests
from sales import services


class TestSalesOrders(ResourceTests):
    url = "/api/v2/sales-orders/"
    model = "sales.salesorder"
    list_queries, detail_queries = 6, 5

    @pytest.fixture
    def make(self, customer, plant, ribeye, today):
        return lambda: services.sales_order_create(
            customer=customer, facility=plant, delivery_date=today + timedelta(days=3), external_ref=unique("so-"),
            lines=[services.LineInput(item=ribeye, quantity_lb=Decimal("100"))],
        )  # fmt: skip

    @pytest.fixture
    def create_body(self, order_payload):
        return order_payload()

    @pytest.fixture
    def patch_body(self):
        return {"memo": "Dock 4"}

    def search_term(self, obj):
        return obj.number

    def filters(self, obj):
        return {"status": "draft", "customer": str(obj.customer_id), "external_ref": obj.external_ref}
