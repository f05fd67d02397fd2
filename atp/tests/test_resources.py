"""The shared API matrix (cashsheet.testing.api.ResourceTests) for ATP's records: checks, plan steps, LP runs."""

from decimal import Decimal

import pytest

from atp.models import AtpCheck, LpRun, PlannedStep
from cashsheet.testing.api import ResourceTests


class TestAtpChecks(ResourceTests):
    url = "/api/v2/atp/checks/"
    model = "atp.atpcheck"
    list_queries, detail_queries = 3, 2

    def key(self, obj):
        return str(obj.pk)

    @pytest.fixture
    def make(self, net):
        plant, item = net.facility(), net.item(price="14.20")
        return lambda: AtpCheck.objects.create(  # the record atp_check_record writes after an answer
            facility=plant, item=item, quantity_lb=Decimal("100"), delivery_date=net.day(2), result="feasible",
            available_lb=Decimal("100"), solver_latency_ms=Decimal("3.1"),
        )  # fmt: skip

    def search_term(self, obj):
        return obj.facility.code

    def filters(self, obj):
        return {"result": "feasible"}


class TestPlannedSteps(ResourceTests):
    url = "/api/v2/atp/plan-steps/"
    model = "atp.plannedstep"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, net):
        plant, store, item = net.facility(), net.facility(), net.item(price="14.20")
        lane = net.lane(plant, store)
        return lambda: PlannedStep.objects.create(  # what atp_allocate keeps beside a reservation
            source_type="sales_order_line", source_id=1, kind="transfer", facility=plant, date=net.day(1),
            lane=lane, item=item, lb=Decimal("100"),
        )  # fmt: skip

    def search_term(self, obj):
        return obj.facility.code

    def filters(self, obj):
        return {"source_type": "sales_order_line", "kind": "transfer"}


class TestLpRuns(ResourceTests):
    url = "/api/v2/lp-runs/"
    model = "atp.lprun"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, silo):
        return lambda: LpRun.objects.create(horizon_days=30, status="succeeded", error="")

    def filters(self, obj):
        return {"status": "succeeded"}
