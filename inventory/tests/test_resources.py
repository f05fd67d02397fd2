"""The shared API matrix (cashsheet.testing.api.ResourceTests) for every inventory resource."""

from datetime import date
from decimal import Decimal

import pytest

from cashsheet.testing import unique
from cashsheet.testing.api import ResourceTests
from inventory import services
from inventory.models import StockBalance


class TestFacilities(ResourceTests):
    url = "/api/v2/facilities/"
    model = "inventory.facility"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, make_facility):
        return make_facility

    @pytest.fixture
    def create_body(self):
        return {"code": unique("NF"), "name": "New plant"}

    @pytest.fixture
    def patch_body(self):
        return {"name": "Renamed"}

    def search_term(self, obj):
        return obj.code

    def filters(self, obj):
        return {"code": obj.code.lower(), "active": "true", "can_break": "true"}


class TestTransferLanes(ResourceTests):
    url = "/api/v2/transfer-lanes/"
    model = "inventory.transferlane"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, make_facility):
        return lambda: services.transfer_lane_create(from_facility=make_facility(), to_facility=make_facility())

    @pytest.fixture
    def create_body(self, make_facility):
        return {"from_facility": make_facility().pk, "to_facility": make_facility().pk, "lead_time_days": 2}

    @pytest.fixture
    def patch_body(self):
        return {"lead_time_days": 3}

    def search_term(self, obj):
        return obj.from_facility.code

    def filters(self, obj):
        return {"from_facility": obj.from_facility.code, "to_facility": str(obj.to_facility_id), "active": "true"}


class TestItems(ResourceTests):
    url = "/api/v2/items/"
    model = "inventory.item"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, make_item):
        return make_item

    @pytest.fixture
    def create_body(self):
        return {"imps_code": unique("N")[:16], "description": "New cut", "category": "trim"}

    @pytest.fixture
    def patch_body(self):
        return {"description": "Renamed"}

    def search_term(self, obj):
        return obj.imps_code

    def filters(self, obj):
        return {"imps_code": obj.imps_code.lower(), "category": obj.category, "active": "true"}


class TestCuttingPatterns(ResourceTests):
    url = "/api/v2/cutting-patterns/"
    model = "inventory.cuttingpattern"
    list_queries, detail_queries = 5, 4

    @pytest.fixture
    def make(self, make_facility, make_item):
        def _make():
            source, output = make_item(category="primal"), make_item()
            return services.cutting_pattern_create(
                code=unique("P"),
                input_item=source,
                outputs=[{"item": output, "yield_fraction": Decimal("0.5")}],
                facilities=[make_facility()],
            )

        return _make

    @pytest.fixture
    def create_body(self, make_item):
        source, output = make_item(category="primal"), make_item()
        return {
            "code": unique("NP"),
            "input_item": source.pk,
            "outputs": [{"item": output.pk, "yield_fraction": "0.5"}],
        }

    @pytest.fixture
    def patch_body(self):
        return {"name": "Renamed"}

    def search_term(self, obj):
        return obj.code

    def filters(self, obj):
        return {"input_item": str(obj.input_item_id), "input_imps_code": obj.input_item.imps_code, "active": "true"}


class TestLots(ResourceTests):
    url = "/api/v2/lots/"
    model = "inventory.lot"
    list_queries, detail_queries = 5, 4

    @pytest.fixture
    def make(self, make_facility, make_item):
        facility, item = make_facility(), make_item()
        return lambda: services.lot_create(
            item=item, facility=facility, code=unique("L"), origin="receipt", pack_date=date(2026, 3, 1)
        )

    @pytest.fixture
    def create_body(self, make_facility, make_item):
        return {"item": make_item().pk, "facility": make_facility().pk, "code": unique("NL"), "pack_date": "2026-03-01"}

    @pytest.fixture
    def patch_body(self):
        return {"vendor_lot_code": "V-1"}

    def search_term(self, obj):
        return obj.code

    def filters(self, obj):
        return {"code": obj.code.lower(), "item": str(obj.item_id), "origin": "receipt", "on_hold": "false"}


class TestStockMovements(ResourceTests):
    url = "/api/v2/stock-movements/"
    model = "inventory.stockmovement"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, make_facility, make_item, receive):
        facility, item = make_facility(), make_item()
        return lambda: receive(facility, item, 10, memo=unique("receipt "))

    @pytest.fixture
    def create_body(self, make_facility, make_item):
        return {"facility": make_facility().pk, "item": make_item().pk, "kind": "receipt", "quantity_lb": "5",
                "effective_date": "2026-03-01", "unit_cost_per_lb": "9.0000"}  # fmt: skip

    def search_term(self, obj):
        return obj.memo

    def filters(self, obj):
        return {"facility": obj.facility.code, "item": str(obj.item_id), "kind": "receipt"}


class TestStockBalances(ResourceTests):
    url = "/api/v2/stock-balances/"
    view_permission = "inventory.view_stockbalance"
    detail = False
    list_queries = 3

    @pytest.fixture
    def make(self, make_facility, make_item, receive):
        def _make():
            facility, item = make_facility(), make_item()
            receive(facility, item, 10, on=date(2026, 3, 1))
            return StockBalance.objects.get(facility=facility, item=item)

        return _make

    def search_term(self, obj):
        return obj.item.imps_code

    def filters(self, obj):
        return {"facility": obj.facility.code, "item": str(obj.item_id), "imps_code": obj.item.imps_code}
