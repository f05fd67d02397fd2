"""Production orders (cutting runs): planned → released → completed, or cancelled.

Completion is one transaction: lock the order, then inventory's lot_transform (stock balances, lot
balances: inventory.locks order) consumes the input lots and makes the output lots with their edges, each
output valued at its joint cost (operations.costing: the inputs' carrying cost plus the pattern's
processing cost, split by relative sales value, by-products at list first), then the journal entry (Cr
Inventory inputs, Dr Inventory outputs, Cr Processing cost applied) and the production_order.completed
event. Anything refused (a lot of the wrong item, outputs beyond the pattern's yield tolerance, a closed
period, short stock) writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cashsheet.api.exceptions import Conflict, InvalidInput, InvalidTransition
from cashsheet.api.fields import quantize
from inventory.models import (
    PRODUCTION_TRANSITIONS,
    Category,
    CuttingPattern,
    Facility,
    Item,
    Lot,
    ProductionOrder,
    ProductionOrderInput,
    ProductionOrderOutput,
    ProductionStatus,
)
from inventory.services import TransformOutput, lot_transform, lots_pick_fefo
from ledger.models import EntrySource
from operations.costing import JointOutput, joint_cost_split
from operations.payloads import production_order_payload
from operations.services.orders import number_next, positive, transition_require, transition_stamp
from operations.services.postings import entry_post, production_legs
from webhooks.services import event_emit

S = ProductionStatus
ZERO = Decimal("0.00")


class YieldExceeded(Conflict):
    code = "yield_exceeded"


def yield_tolerance() -> Decimal:
    """How far above the pattern's total yield actual outputs may go (fraction), CASHSHEET_YIELD_TOLERANCE_PCT."""
    return Decimal(str(getattr(settings, "CASHSHEET_YIELD_TOLERANCE_PCT", "5"))) / 100


def _lock(order: ProductionOrder) -> ProductionOrder:
    return ProductionOrder.objects.select_for_update().select_related("pattern", "facility").get(pk=order.pk)


def _require(order: ProductionOrder, target: str) -> None:
    transition_require(order, target, transitions=PRODUCTION_TRANSITIONS, noun="Production order")


def _check_pattern(pattern: CuttingPattern, facility: Facility) -> None:
    if not pattern.active:
        raise InvalidInput(f"Pattern {pattern.code} is inactive.", field="pattern")
    if not pattern.facilities.filter(pk=facility.pk).exists():
        raise InvalidInput(
            f"Pattern {pattern.code} is not run at {facility.code}.", field="pattern", pattern=pattern.pk,
            facility=facility.pk,
        )  # fmt: skip


def _inputs(pattern: CuttingPattern, facility: Facility, inputs, *, field: str = "inputs") -> list[tuple[Lot, Decimal]]:
    out, seen = [], set()
    for index, entry in enumerate(inputs or []):
        lot, lb = entry.get("lot"), entry.get("quantity_lb")
        if not isinstance(lot, Lot):
            raise InvalidInput("Give the input lot.", field=f"{field}.{index}.lot")
        if lot.item_id != pattern.input_item_id:
            raise InvalidInput(
                f"Lot {lot.code} is {lot.item.imps_code}; pattern {pattern.code} cuts {pattern.input_item.imps_code}.",
                field=f"{field}.{index}.lot", lot=lot.pk, lot_code=lot.code,
            )  # fmt: skip
        if lot.pk in seen:
            raise InvalidInput(f"Lot {lot.code} appears twice; give it once.", field=f"{field}.{index}.lot")
        seen.add(lot.pk)
        out.append((lot, positive(lb, f"{field}.{index}.quantity_lb")))
    return out


def _planned_outputs(order: ProductionOrder) -> None:
    ProductionOrderOutput.objects.filter(order=order).delete()
    ProductionOrderOutput.objects.bulk_create(
        [
            ProductionOrderOutput(
                order=order,
                item_id=o.item_id,
                yield_fraction=o.yield_fraction,
                planned_lb=quantize(order.planned_input_lb * o.yield_fraction),
            )  # fmt: skip
            for o in order.pattern.outputs.all()
        ]
    )


@transaction.atomic
def production_order_create(
    *,
    pattern: CuttingPattern,
    facility: Facility,
    production_date: date,
    planned_input_lb,
    inputs: list[dict] | None = None,
    memo: str = "",
    actor=None,
) -> ProductionOrder:
    """A planned order; its planned outputs are the pattern's yields × planned input lb."""
    _check_pattern(pattern, facility)
    planned = positive(planned_input_lb, "planned_input_lb")
    lots = _inputs(pattern, facility, inputs)
    order = ProductionOrder.objects.create(
        number=number_next("production_order", "PO"), pattern=pattern, facility=facility,
        production_date=production_date, planned_input_lb=planned, memo=memo or "",
    )  # fmt: skip
    ProductionOrderInput.objects.bulk_create(
        [ProductionOrderInput(order=order, lot=lot, quantity_lb=lb) for lot, lb in lots]
    )
    _planned_outputs(order)
    return order


@transaction.atomic
def production_order_update(*, order: ProductionOrder, actor=None, **changes) -> ProductionOrder:
    """PATCH: while planned or released, the date, planned input lb, input lots and memo may change."""
    order = _lock(order)
    if changes.get("status"):
        return production_order_transition(order=order, status=changes.pop("status"), actor=actor, **changes)
    if order.status not in (S.PLANNED, S.RELEASED):
        raise InvalidTransition(
            f"Production order {order.number} is {order.status}; it can no longer be edited.",
            field="status", current_status=order.status,
        )  # fmt: skip
    unknown = set(changes) - {"production_date", "planned_input_lb", "inputs", "memo"}
    if unknown:
        raise InvalidInput(f"{sorted(unknown)[0]} cannot be changed.", field=sorted(unknown)[0])
    if "production_date" in changes:
        order.production_date = changes["production_date"]
    if "memo" in changes:
        order.memo = changes["memo"] or ""
    if "planned_input_lb" in changes:
        order.planned_input_lb = positive(changes["planned_input_lb"], "planned_input_lb")
    order.save()
    if "planned_input_lb" in changes:
        _planned_outputs(order)
    if "inputs" in changes:
        lots = _inputs(order.pattern, order.facility, changes["inputs"])
        order.inputs.all().delete()
        ProductionOrderInput.objects.bulk_create(
            [ProductionOrderInput(order=order, lot=lot, quantity_lb=lb) for lot, lb in lots]
        )
    return order


def production_order_transition(*, order: ProductionOrder, status: str, actor=None, **kwargs) -> ProductionOrder:
    if status == S.RELEASED:
        return production_order_release(order=order, actor=actor)
    if status == S.CANCELLED:
        return production_order_cancel(order=order, actor=actor)
    if status == S.COMPLETED:
        return production_order_complete(order=order, actor=actor, **kwargs)
    raise InvalidInput(f"Unknown status '{status}'.", field="status")


@transaction.atomic
def production_order_release(*, order: ProductionOrder, actor=None) -> ProductionOrder:
    return transition_stamp(_lock(order), S.RELEASED, transitions=PRODUCTION_TRANSITIONS, noun="Production order",
                            stamp="released_at")  # fmt: skip


@transaction.atomic
def production_order_cancel(*, order: ProductionOrder, actor=None) -> ProductionOrder:
    return transition_stamp(_lock(order), S.CANCELLED, transitions=PRODUCTION_TRANSITIONS, noun="Production order",
                            stamp="cancelled_at")  # fmt: skip


@dataclass(frozen=True)
class ActualOutput:
    item: Item
    actual_lb: Decimal
    lot_code: str = ""
    use_by_date: date | None = None
    state: str = "chilled"


def _actuals(order: ProductionOrder, outputs) -> list[tuple[ProductionOrderOutput, ActualOutput | None]]:
    rows = {row.item_id: row for row in order.outputs.select_related("item")}
    given: dict[int, ActualOutput] = {}
    if not isinstance(outputs, list | tuple) or not outputs:
        raise InvalidInput("Give the actual lb of each output.", field="outputs")
    for index, raw in enumerate(outputs):
        actual = raw if isinstance(raw, ActualOutput) else ActualOutput(**raw)
        if not isinstance(actual.item, Item) or actual.item.pk not in rows:
            code = getattr(actual.item, "imps_code", actual.item)
            raise InvalidInput(
                f"{code} is not an output of pattern {order.pattern.code}.", field=f"outputs.{index}.item"
            )
        if actual.item.pk in given:
            raise InvalidInput(f"{actual.item.imps_code} appears twice.", field=f"outputs.{index}.item")
        try:
            lb = quantize(Decimal(str(actual.actual_lb)))
        except Exception:  # noqa: BLE001
            raise InvalidInput("A number is required.", field=f"outputs.{index}.actual_lb") from None
        if lb < 0:
            raise InvalidInput("Must not be negative.", field=f"outputs.{index}.actual_lb")
        given[actual.item.pk] = ActualOutput(actual.item, lb, actual.lot_code, actual.use_by_date, actual.state)
    return [(row, given.get(item_id)) for item_id, row in rows.items()]


@transaction.atomic
def production_order_complete(
    *, order: ProductionOrder, outputs, inputs: list[dict] | None = None, actor=None
) -> ProductionOrder:
    """Record the actual outputs; consume inputs (the order's lots, those given, or FEFO for the planned
    input lb), make output lots at joint cost, book the entry, emit production_order.completed."""
    order = _lock(order)
    _require(order, S.COMPLETED)
    pattern, facility, on = order.pattern, order.facility, order.production_date
    _check_pattern(pattern, facility)
    if inputs is not None:
        taken = _inputs(pattern, facility, inputs)
    else:
        taken = [(i.lot, i.quantity_lb) for i in order.inputs.select_related("lot__item")]
    if not taken:
        taken = lots_pick_fefo(facility=facility, item=pattern.input_item, quantity_lb=order.planned_input_lb, on=on)
    input_lb = sum((lb for _, lb in taken), ZERO)
    actuals = _actuals(order, outputs)
    output_lb = sum((a.actual_lb for _, a in actuals if a), ZERO)
    total_yield = sum((row.yield_fraction for row, _ in actuals), Decimal("0"))
    allowed = quantize(min(Decimal(1), total_yield * (1 + yield_tolerance())) * input_lb)
    if output_lb > allowed:
        raise YieldExceeded(
            f"Outputs {output_lb} lb exceed what {input_lb} lb of {pattern.input_item.imps_code} can yield on "
            f"pattern {pattern.code} ({total_yield:.4f} yield + {yield_tolerance() * 100:.1f}% tolerance = "
            f"{allowed} lb).",
            field="outputs", output_lb=str(output_lb), input_lb=str(input_lb), allowed_lb=str(allowed),
        )  # fmt: skip
    if output_lb <= 0:
        raise InvalidInput("A completed run yields at least one output lb.", field="outputs")
    made = [(row, a) for row, a in actuals if a and a.actual_lb > 0]
    processing = quantize(pattern.processing_cost_per_lb * input_lb)
    joint = [
        JointOutput(a.actual_lb, a.item.list_price_per_lb, by_product=a.item.category == Category.BY_PRODUCT)
        for _, a in made
    ]
    split: dict[str, list[Decimal]] = {}

    def values(input_value: Decimal) -> list[Decimal]:
        split["values"] = joint_cost_split(joint_cost=input_value + processing, outputs=joint)
        split["input_value"] = input_value
        return split["values"]

    result = lot_transform(
        facility=facility, inputs=taken, production_date=on, memo=f"{order.number} {pattern.code}",
        source_type="production_order", source_id=order.pk, output_values=values, production_order=order,
        outputs=[
            TransformOutput(item=a.item, quantity_lb=a.actual_lb, code=a.lot_code, state=a.state,
                            use_by_date=a.use_by_date)
            for _, a in made
        ],
    )  # fmt: skip
    input_value = split["input_value"]
    output_value = sum((m.value for m in result.outputs), ZERO)
    entry = entry_post(
        entry_date=on, memo=f"Production {order.number} ({pattern.code})", source=EntrySource.PRODUCTION,
        source_id=order.pk, actor=actor, date_field="production_date",
        legs=production_legs(input_value=input_value, output_value=output_value, processing_cost=processing,
                             facility_id=facility.pk),
    )  # fmt: skip
    ProductionOrderInput.objects.filter(order=order).delete()
    ProductionOrderInput.objects.bulk_create(
        [ProductionOrderInput(order=order, lot=m.lot, quantity_lb=m.quantity_lb, movement=m) for m in result.inputs]
    )
    by_item = {m.item_id: (m, lot) for m, lot in zip(result.outputs, result.lots, strict=True)}
    for row, actual in actuals:
        row.actual_lb = actual.actual_lb if actual else ZERO
        row.list_price_per_lb = row.item.list_price_per_lb
        if row.item_id in by_item:
            movement, lot = by_item[row.item_id]
            row.lot, row.movement, row.value, row.unit_cost_per_lb = (
                lot,
                movement,
                movement.value,
                movement.unit_cost_per_lb,
            )
    ProductionOrderOutput.objects.bulk_update(
        [row for row, _ in actuals], ["actual_lb", "list_price_per_lb", "lot", "movement", "value", "unit_cost_per_lb"]
    )
    order.status, order.completed_at = S.COMPLETED, timezone.now()
    order.input_lb, order.input_value, order.processing_cost = input_lb, input_value, processing
    order.journal_entry_id = entry.pk if entry else None
    order.save()
    event_emit(event_type="production_order.completed", obj=production_order_payload(order))
    return order
