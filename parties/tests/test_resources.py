"""The shared API matrix (cashsheet.testing.api.ResourceTests) for customers and vendors."""

import pytest

from cashsheet.testing import unique
from cashsheet.testing.api import ResourceTests
from parties.services import customer_create, vendor_create


class TestCustomers(ResourceTests):
    url = "/api/v2/customers/"
    model = "parties.customer"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, silo):
        return lambda: customer_create(code=unique("C"), name="Acme Steakhouse", external_ref=unique("crm-"))

    @pytest.fixture
    def create_body(self):
        return {"code": unique("N"), "name": "New"}

    @pytest.fixture
    def patch_body(self):
        return {"name": "Renamed"}

    def search_term(self, obj):
        return obj.code

    def filters(self, obj):
        return {"code": obj.code.lower(), "external_ref": obj.external_ref, "active": "true"}


class TestVendors(ResourceTests):
    url = "/api/v2/vendors/"
    model = "parties.vendor"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, silo):
        return lambda: vendor_create(code=unique("V"), name="Sandhills", external_ref=unique("ap-"))

    @pytest.fixture
    def create_body(self):
        return {"code": unique("N"), "name": "New"}

    @pytest.fixture
    def patch_body(self):
        return {"name": "Renamed"}

    def search_term(self, obj):
        return obj.code

    def filters(self, obj):
        return {"code": obj.code, "external_ref": obj.external_ref, "active": "true"}
