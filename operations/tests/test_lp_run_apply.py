"""POST /lp-runs/{id}/apply/: a succeeded run's cuts and transfers become planned orders, once.

Hand figures: 1,000 lb of a primal P ($5.00/lb list) at a plant; its pattern yields X 50 % ($12.00) and T 40 %
($4.00) for $0.40/lb processing: 0.5 × 12 + 0.4 × 4 = $7.60 > $5.00 + $0.40, so the plan cuts all 1,000 lb.
"""

from decimal import Decimal

import pytest

from atp.models import LpRun
from atp.tasks import lp_run_execute
from cashsheet.timezones import local_date
from inventory import services as inventory
from inventory.models import Facility, ProductionOrder, TransferOrder, WorkDemand
from operations.services.perpetual import stock_post_valued

D = Decimal


@pytest.fixture
def value_pattern(plant, make_item):
    Facility.objects.filter(pk=plant.pk).update(breaking_capacity_lb=D("50000"), fabrication_capacity_lb=D("50000"))
    primal = make_item("P", category="primal", price="5.0000", cost="4.0000")
    x, t = make_item("X", price="12.0000"), make_item("T", category="trim", price="4.0000", cost="2.0000")
    pattern = inventory.cutting_pattern_create(
        code="P-TO-XT", name="P to X and T", input_item=primal, processing_cost_per_lb=D("0.4000"), facilities=[plant],
        outputs=[{"item": x, "yield_fraction": D("0.50")}, {"item": t, "yield_fraction": D("0.40")}],
    )  # fmt: skip
    stock_post_valued(facility=plant, item=primal, kind="receipt", quantity_lb=D("1000"), unit_cost_per_lb=D("4.0000"),
                      effective_date=local_date(plant.timezone), memo="P")  # fmt: skip
    return pattern


def solved_run() -> LpRun:
    run = LpRun.objects.create(horizon_days=7)
    lp_run_execute(run.pk)  # the worker's task, run here on this connection
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    return run


def test_apply_plans_the_runs_cuts_once(api, plant, value_pattern):
    run = solved_run()
    cuts = [r for r in run.plan["rows"] if r["kind"] == "cut" and r["pattern"] == value_pattern.code]
    assert sum(D(str(r["lb"])) for r in cuts) == D("1000")
    r = api.post(f"/api/v2/lp-runs/{run.pk}/apply/", format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["run"] == run.pk and body["already_applied"] is False and body["transfer_orders"] == []
    orders = ProductionOrder.objects.filter(pattern=value_pattern, status="planned")
    assert sum(o.planned_input_lb for o in orders) == D("1000.00")
    assert {o["number"] for o in body["production_orders"]} == {o.number for o in orders}
    assert {str(o.production_date) for o in orders} == {r["date"] for r in cuts}
    x = value_pattern.outputs.get(yield_fraction=D("0.50")).item
    assert sum(o.outputs.get(item=x).planned_lb for o in orders) == D("500.00")  # 1,000 × 50 %
    demands = WorkDemand.objects.filter(source_type="lp_run", source_id=run.pk)
    assert demands.count() == len(cuts) and all(d.quantity_lb == 0 for d in demands)  # it reserves nothing
    # Again: the same orders, nothing duplicated.
    again = api.post(f"/api/v2/lp-runs/{run.pk}/apply/", format="json")
    assert again.status_code == 200, again.content
    assert again.json()["already_applied"] is True
    assert again.json()["production_orders"] == body["production_orders"]
    assert ProductionOrder.objects.count() == orders.count() and demands.count() == len(cuts)
    # A new run solves with those orders as committed work: its plan is what they hold, so it adds nothing.
    second = solved_run()
    r = api.post(f"/api/v2/lp-runs/{second.pk}/apply/", format="json")
    assert r.status_code == 200, r.content
    assert r.json()["production_orders"] == [] and r.json()["already_applied"] is False
    assert sum(o.planned_input_lb for o in ProductionOrder.objects.all()) == D("1000.00")
    assert not TransferOrder.objects.exists()


@pytest.mark.parametrize("status", ["queued", "running", "failed"])
def test_apply_is_409_unless_the_run_succeeded_and_writes_nothing(api, plant, value_pattern, status):
    run = LpRun.objects.create(horizon_days=7, status=status, plan={"rows": [
        {"kind": "cut", "date": str(local_date(plant.timezone)), "facility_id": plant.code,
         "pattern": value_pattern.code, "imps_code": value_pattern.input_item.imps_code, "lb": 100.0}]})  # fmt: skip
    r = api.post(f"/api/v2/lp-runs/{run.pk}/apply/", format="json")
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "lp_run_not_succeeded" and r.json()["errors"][0]["field"] == "status"
    assert not ProductionOrder.objects.exists() and not WorkDemand.objects.exists()


def test_apply_needs_permission_to_plan_orders(api, make_user, client_for, plant, value_pattern):
    run = LpRun.objects.create(horizon_days=7, status="succeeded", plan={"rows": []})
    viewer = client_for(make_user("atp.view_lprun"))
    assert viewer.post(f"/api/v2/lp-runs/{run.pk}/apply/", format="json").status_code == 403
    assert api.post("/api/v2/lp-runs/999999/apply/", format="json").status_code == 404
