"""The plan becomes work: planned production and transfer orders for the steps an ATP answer relies on.

`work_orders_from_plan` (called by sales_order_confirm with atp_allocate's per-line plan, and by LP runs)
adds each cut to a planned production order of the same pattern, facility and day (or creates one), each
transfer to a planned transfer order of the same lane, item and ship date, and records a WorkDemand per
step: which demand relies on which order, for how much. `work_release` undoes that for a demand that goes
away (a cancelled sales order): its share comes off the planned orders, and a planned order nobody else
relies on is cancelled. Orders already released, completed or shipped are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from atp.models import LpRunStatus
from atp.selectors import lp_run_list
from atp.services import PlanStep
from cashsheet.api.exceptions import Conflict
from cashsheet.api.fields import quantize
from inventory.models import (
    CuttingPattern,
    Facility,
    Item,
    ProductionOrder,
    ProductionStatus,
    TransferLane,
    TransferOrder,
    TransferStatus,
    WorkDemand,
)
from operations.services.production import _planned_outputs, production_order_create
from operations.services.transfers import transfer_order_create

ZERO = Decimal("0.00")


def _lb(value) -> Decimal:
    return quantize(Decimal(str(value or 0)))


def _cut(step, *, source_type: str, source_id: int) -> WorkDemand | None:
    lb = _lb(step.input_lb)
    if lb <= 0:
        return None
    order = (
        ProductionOrder.objects.select_for_update()
        .filter(pattern_id=step.pattern_id, facility_id=step.facility_id, production_date=step.date,
                status=ProductionStatus.PLANNED)
        .order_by("id")
        .first()
    )  # fmt: skip
    if order is None:
        order = production_order_create(
            pattern=CuttingPattern.objects.get(pk=step.pattern_id), facility=Facility.objects.get(pk=step.facility_id),
            production_date=step.date, planned_input_lb=lb, memo=f"Planned for {source_type} {source_id}",
        )  # fmt: skip
    else:
        order.planned_input_lb += lb
        order.save(update_fields=["planned_input_lb", "updated_at"])
        _planned_outputs(order)
    return WorkDemand(
        production_order=order, item_id=step.output_item_id or step.input_item_id, quantity_lb=_lb(step.output_lb),
        input_lb=lb, source_type=source_type, source_id=source_id,
    )  # fmt: skip


def _transfer(step, *, source_type: str, source_id: int) -> WorkDemand | None:
    lb = _lb(step.lb)
    if lb <= 0:
        return None
    order = (
        TransferOrder.objects.select_for_update()
        .filter(lane_id=step.lane_id, item_id=step.item_id, ship_date=step.date, status=TransferStatus.PLANNED)
        .order_by("id")
        .first()
    )
    if order is None:
        lane = TransferLane.objects.select_related("from_facility", "to_facility").get(pk=step.lane_id)
        order = transfer_order_create(
            lane=lane, item=Item.objects.get(pk=step.item_id),
            quantity_lb=lb, ship_date=step.date, memo=f"Planned for {source_type} {source_id}",
        )  # fmt: skip
    else:
        order.quantity_lb += lb
        order.save(update_fields=["quantity_lb", "updated_at"])
    return WorkDemand(transfer_order=order, item_id=step.item_id, quantity_lb=lb, source_type=source_type,
                      source_id=source_id)  # fmt: skip


@transaction.atomic
def work_orders_from_plan(*, plan, source_type: str, source_id: int) -> list[WorkDemand]:
    """Planned orders for every cut and transfer step of `plan` (atp PlanStep list); one WorkDemand each."""
    demands = []
    for step in plan or []:
        if step.kind == "cut":
            demand = _cut(step, source_type=source_type, source_id=source_id)
        elif step.kind == "transfer":
            demand = _transfer(step, source_type=source_type, source_id=source_id)
        else:
            raise ValueError(f"unknown plan step {step.kind!r}")
        if demand is not None:
            demands.append(demand)
    return WorkDemand.objects.bulk_create(demands)


@transaction.atomic
def work_release(*, source_type: str, source_ids: list[int]) -> int:
    """The demands of `source_ids` go away: their share comes off planned orders; a planned order left with
    no demand is cancelled. Returns the number of demands released."""
    demands = list(
        WorkDemand.objects.select_for_update()
        .filter(source_type=source_type, source_id__in=source_ids, released_at=None)
        .order_by("id")
    )
    if not demands:
        return 0
    now = timezone.now()
    WorkDemand.objects.filter(pk__in=[d.pk for d in demands]).update(released_at=now, updated_at=now)
    productions = {d.production_order_id for d in demands if d.production_order_id}
    for order in ProductionOrder.objects.select_for_update().filter(pk__in=productions).order_by("pk"):
        if order.status != ProductionStatus.PLANNED:
            continue
        if not order.demands.filter(released_at=None).exists():
            order.status, order.cancelled_at = ProductionStatus.CANCELLED, now
            order.save(update_fields=["status", "cancelled_at", "updated_at"])
            continue
        share = sum((d.input_lb for d in demands if d.production_order_id == order.pk), ZERO)
        if 0 < share < order.planned_input_lb:
            order.planned_input_lb -= share
            order.save(update_fields=["planned_input_lb", "updated_at"])
            _planned_outputs(order)
    transfers = {d.transfer_order_id for d in demands if d.transfer_order_id}
    for order in TransferOrder.objects.select_for_update(of=("self",)).filter(pk__in=transfers).order_by("pk"):
        if order.status != TransferStatus.PLANNED:
            continue
        if not order.demands.filter(released_at=None).exists():
            order.status, order.cancelled_at = TransferStatus.CANCELLED, now
            order.save(update_fields=["status", "cancelled_at", "updated_at"])
            continue
        share = sum((d.quantity_lb for d in demands if d.transfer_order_id == order.pk), ZERO)
        if 0 < share < order.quantity_lb:
            order.quantity_lb -= share
            order.save(update_fields=["quantity_lb", "updated_at"])
    return len(demands)


LP_RUN_SOURCE = "lp_run"


class LpRunNotSucceeded(Conflict):
    code = "lp_run_not_succeeded"


@dataclass
class LpRunApplied:
    """What applying a run planned: the production and transfer orders its demands rest on (new or joined)."""

    run: object
    demands: list[WorkDemand]
    already_applied: bool

    @property
    def production_orders(self) -> list[ProductionOrder]:
        seen = {d.production_order_id: d.production_order for d in self.demands if d.production_order_id}
        return [seen[k] for k in sorted(seen)]

    @property
    def transfer_orders(self) -> list[TransferOrder]:
        seen = {d.transfer_order_id: d.transfer_order for d in self.demands if d.transfer_order_id}
        return [seen[k] for k in sorted(seen)]


def _planned_at(model, **key) -> Decimal:
    """lb already planned (or released) at a plan row's key: the run's plan includes committed work."""
    if model is ProductionOrder:
        rows = ProductionOrder.objects.filter(status__in=[ProductionStatus.PLANNED, ProductionStatus.RELEASED], **key)
        return sum(rows.values_list("planned_input_lb", flat=True), ZERO)
    rows = TransferOrder.objects.filter(status=TransferStatus.PLANNED, **key)
    return sum(rows.values_list("quantity_lb", flat=True), ZERO)


def _run_steps(run) -> list[PlanStep]:
    """The run's cut and transfer rows as plan steps, less what planned orders already hold at each row's key
    (its plan was solved with them as fixed flows); rows naming what no longer exists are left out."""
    rows = run.plan.get("rows", []) if isinstance(run.plan, dict) else []
    facilities = {f.code: f for f in Facility.objects.all()}
    patterns = {p.code: p for p in CuttingPattern.objects.all()}
    items = {i.imps_code: i for i in Item.objects.all()}
    lanes = {(lane.from_facility_id, lane.to_facility_id): lane for lane in TransferLane.objects.all()}
    steps = []
    for row in rows:
        on = date.fromisoformat(row["date"])
        facility, lb = facilities.get(row.get("facility_id")), _lb(row.get("lb"))
        if row.get("kind") == "cut":
            pattern = patterns.get(row.get("pattern"))
            if facility is None or pattern is None:
                continue
            need = lb - _planned_at(ProductionOrder, pattern=pattern, facility=facility, production_date=on)
            if need > 0:
                steps.append(PlanStep(kind="cut", facility_id=facility.pk, date=on, pattern_id=pattern.pk,
                                      input_item_id=pattern.input_item_id, input_lb=need))  # fmt: skip
        elif row.get("kind") == "transfer":
            to, item = facilities.get(row.get("to_facility_id")), items.get(row.get("imps_code"))
            lane = lanes.get((getattr(facility, "pk", None), getattr(to, "pk", None)))
            if lane is None or item is None:
                continue
            need = lb - _planned_at(TransferOrder, lane=lane, item=item, ship_date=on)
            if need > 0:
                steps.append(PlanStep(kind="transfer", facility_id=facility.pk, date=on, lane_id=lane.pk,
                                      item_id=item.pk, lb=need))  # fmt: skip
    return steps


@transaction.atomic
def lp_run_apply(*, run, actor=None) -> LpRunApplied:
    """Planned production and transfer orders for a succeeded LP run's cuts and transfers, one WorkDemand
    (source `lp_run`) per step. Idempotent: a run applied before answers its demands again, and a plan already
    covered by planned orders adds nothing. 409 lp_run_not_succeeded for a run that is not succeeded."""
    run = lp_run_list().select_for_update().get(pk=run.pk)  # two applies of one run serialise here
    if run.status != LpRunStatus.SUCCEEDED:
        raise LpRunNotSucceeded(
            f"LP run {run.pk} is {run.status}; only a succeeded run's plan can be applied.",
            field="status", run_status=run.status,
        )  # fmt: skip
    existing = list(
        WorkDemand.objects.filter(source_type=LP_RUN_SOURCE, source_id=run.pk)
        .select_related("production_order", "transfer_order")
        .order_by("id")
    )
    if existing:
        return LpRunApplied(run=run, demands=existing, already_applied=True)
    # A cut step names no output, so its demand reserves none (quantity_lb 0): an LP run promises nothing.
    demands = work_orders_from_plan(plan=_run_steps(run), source_type=LP_RUN_SOURCE, source_id=run.pk)
    return LpRunApplied(run=run, demands=demands, already_applied=False)
