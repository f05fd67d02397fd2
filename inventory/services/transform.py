"""lot_transform: production at the lot level. Input lots go in, output lots come out, LotEdge rows
record which went into which. Issue 13's production order completion calls this (it does not post
production movements itself), so genealogy and stock never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.fields import quantize
from inventory.locks import lot_balances_lock, stock_balances_lock
from inventory.models import (
    Facility,
    Item,
    Lot,
    LotBalance,
    LotDay,
    LotEdge,
    LotOrigin,
    LotState,
    MovementKind,
    StockBalance,
    StockMovement,
)
from inventory.services.days import stock_days_move_many
from inventory.services.inputs import date_input, quantity_input, unit_cost_input
from inventory.services.lots import lot_code_next, lot_codes_next, lot_create, shelf_life_use_by
from inventory.services.stock import _apply, _fresh, _inbound_lot, _take


@dataclass(frozen=True)
class TransformOutput:
    """One output of a production: `quantity_lb` of `item` into `lot` (existing, made here) or a new lot
    (`code` or generated; packed on the production date; use-by from the item's shelf life, never
    later than the earliest input's use-by, unless `use_by_date` is given)."""

    item: Item
    quantity_lb: Decimal
    lot: Lot | None = None
    code: str = ""
    state: str = LotState.CHILLED
    use_by_date: date | None = None
    unit_cost_per_lb: Decimal | None = None


@dataclass
class TransformResult:
    inputs: list[StockMovement] = field(default_factory=list)
    outputs: list[StockMovement] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)  # the output lots, in the order of `outputs`
    edges: list[LotEdge] = field(default_factory=list)


@transaction.atomic
def lot_transform(
    *,
    facility: Facility,
    inputs: list[tuple[Lot, Decimal]],
    outputs: list[TransformOutput],
    production_date: date,
    memo: str = "",
    source_type: str = "",
    source_id: int | None = None,
    output_values: Callable[[Decimal], list[Decimal]] | None = None,
    production_order=None,
) -> TransformResult:
    """Consume `inputs` [(lot, lb)] at `facility` and produce `outputs`, in one transaction.

    Inputs must be unheld and unexpired on the production date. An output without a unit cost is
    valued at the inputs' cost spread evenly per output lb. Each output lot gets one LotEdge per
    input lot carrying that input's lb in proportion to the output's share of the output lb.

    `output_values(input_value)`, when given, returns each output's value (in `outputs` order) once the
    inputs' value is known under the locks: joint costing, so the outputs carry exactly what the caller
    books. `production_order` is recorded on the new lots and the edges.
    """
    production_date = date_input(production_date, field="production_date")
    if not inputs:
        raise InvalidInput("A production consumes at least one input lot.", field="inputs")
    if not outputs:
        raise InvalidInput("A production makes at least one output.", field="outputs")
    for index, output in enumerate(outputs):
        if not isinstance(output, TransformOutput):
            raise InvalidInput("Each output is a TransformOutput.", field=f"outputs.{index}")
        quantity_input(output.quantity_lb, field=f"outputs.{index}.quantity_lb")
        unit_cost_input(output.unit_cost_per_lb, field=f"outputs.{index}.unit_cost_per_lb")
    by_item: dict[int, list[tuple[Lot, Decimal]]] = {}
    items: dict[int, Item] = {}
    for lot, lb in inputs:
        by_item.setdefault(lot.item_id, []).append((lot, lb))
        items[lot.item_id] = lot.item
    pairs = [(facility.pk, item_id) for item_id in by_item] + [(facility.pk, o.item.pk) for o in outputs]
    balances = stock_balances_lock(pairs=pairs)

    result = TransformResult()
    taken: list[tuple[Lot, Decimal]] = []
    for item_id, entries in by_item.items():
        item = items[item_id]
        for lot, lb, lb_field in _take(
            facility=facility, item=item, kind=MovementKind.PRODUCTION_INPUT, on=production_date, lots=entries,
            quantity_lb=None, min_use_by=None, field="inputs",
        ):  # fmt: skip
            lot_balance = lot_balances_lock(pairs=[(lot.pk, facility.pk)])[(lot.pk, facility.pk)]
            movement = _apply(
                balance=balances[(facility.pk, item_id)], lot_balance=lot_balance, lot=lot, facility=facility,
                item=item, kind=MovementKind.PRODUCTION_INPUT, direction=-1, quantity=lb,
                effective_date=production_date, unit_cost=None, field=lb_field, memo=memo,
                source_type=source_type, source_id=source_id,
            )  # fmt: skip
            result.inputs.append(movement)
            taken.append((lot, lb))

    input_value = -sum((m.value for m in result.inputs), Decimal("0"))
    output_lb = sum((quantize(o.quantity_lb) for o in outputs), Decimal("0"))
    values = output_values(input_value) if output_values is not None else None
    earliest_use_by = min((lot.use_by_date for lot, _ in taken if lot.use_by_date), default=None)
    kill_dates = [lot.kill_date for lot, _ in taken if lot.kill_date]
    # New lots (the usual case) are written in batches: a fixed number of statements whatever the number of
    # outputs. An output into a lot that exists (or two outputs of one item) goes one by one.
    fresh = [o for o in outputs if o.lot is None]
    batched = len({o.item.pk for o in fresh}) == len(fresh)
    new_lots = _new_lots(
        outputs if batched else [], facility=facility, on=production_date,
        earliest_use_by=earliest_use_by, kill_date=min(kill_dates) if kill_dates else None,
        production_order=production_order,
    )  # fmt: skip
    pending: list[tuple[int, Lot, Decimal, Decimal | None, Decimal | None]] = []
    for index, output in enumerate(outputs):
        quantity = quantize(output.quantity_lb)
        cost, value = output.unit_cost_per_lb, None
        if values is not None:
            value = quantize(values[index])
            cost = quantize(value / quantity, 4)
        elif cost is None:
            cost = quantize(input_value / output_lb, 4) if output_lb else Decimal("0.0000")
        if index in new_lots:
            pending.append((index, new_lots[index], quantity, cost, value))
            continue
        lot = output.lot
        if lot is None:
            use_by = output.use_by_date or shelf_life_use_by(
                item=output.item, pack_date=production_date, state=output.state
            )
            if output.use_by_date is None and earliest_use_by is not None:
                use_by = max(min(use_by, earliest_use_by), production_date)
            lot = lot_create(
                item=output.item, facility=facility, origin=LotOrigin.PRODUCTION, pack_date=production_date,
                code=output.code or lot_code_next(facility=facility, on=production_date), state=output.state,
                use_by_date=use_by, kill_date=min(kill_dates) if kill_dates else None,
                unit_cost_per_lb=output.unit_cost_per_lb,
            )  # fmt: skip
            if production_order is not None:
                Lot.objects.filter(pk=lot.pk).update(production_order=production_order)
                lot.production_order = production_order
        else:
            lot = _inbound_lot(
                lot=lot, kind=MovementKind.PRODUCTION_OUTPUT, facility=facility, item=output.item,
                on=production_date, unit_cost=None,
            )  # fmt: skip
        lot_balance = lot_balances_lock(pairs=[(lot.pk, facility.pk)])[(lot.pk, facility.pk)]
        movement = _apply(
            balance=balances[(facility.pk, output.item.pk)], lot_balance=lot_balance, lot=_fresh([lot])[lot.pk],
            facility=facility, item=output.item, kind=MovementKind.PRODUCTION_OUTPUT, direction=1,
            quantity=quantity, effective_date=production_date, unit_cost=cost, value=value,
            field=f"outputs.{index}.quantity_lb", memo=memo, source_type=source_type, source_id=source_id,
        )  # fmt: skip
        pending.append((index, lot, quantity, None, movement))
    made = _outputs_into_new_lots(
        [(i, lot, lb, cost, value) for i, lot, lb, cost, value in pending if i in new_lots],
        outputs=outputs, balances=balances, facility=facility, on=production_date, memo=memo,
        source_type=source_type, source_id=source_id,
    )  # fmt: skip
    for index, lot, _lb, _cost, movement in sorted(pending, key=lambda row: row[0]):
        result.outputs.append(made[index] if index in new_lots else movement)
        result.lots.append(lot)
    # Each input's lb is shared over the outputs by their lb; the last output takes the rounding rest.
    for parent, lb in taken:
        rest = lb
        for position, (lot, movement) in enumerate(zip(result.lots, result.outputs, strict=True)):
            last = position == len(result.outputs) - 1
            share = rest if last else quantize(lb * movement.quantity_lb / output_lb)
            rest -= share
            if share > 0 and parent.pk != lot.pk:
                result.edges.append(
                    LotEdge(parent=parent, child=lot, quantity_lb=share, production_order=production_order)
                )
    LotEdge.objects.bulk_create(result.edges)
    return result


def _new_lots(outputs: list[TransformOutput], *, facility, on, earliest_use_by, kill_date, production_order) -> dict:
    """The new lots of the `outputs` that name no lot (each of its own item), created in one INSERT: index in
    `outputs` -> Lot. A code the caller gives goes through lot_create (its checks), one by one."""
    wanted = [(n, o) for n, o in enumerate(outputs) if o.lot is None]
    if not wanted:
        return {}
    codes = iter(lot_codes_next(facility=facility, on=on, count=sum(1 for _, o in wanted if not o.code)))
    out, rows = {}, []
    for index, output in wanted:
        use_by = output.use_by_date or shelf_life_use_by(item=output.item, pack_date=on, state=output.state)
        if output.use_by_date is None and earliest_use_by is not None:
            use_by = max(min(use_by, earliest_use_by), on)
        if output.code:
            lot = lot_create(item=output.item, facility=facility, origin=LotOrigin.PRODUCTION, pack_date=on,
                             code=output.code, state=output.state, use_by_date=use_by, kill_date=kill_date,
                             unit_cost_per_lb=output.unit_cost_per_lb)  # fmt: skip
            if production_order is not None:
                rows.append(lot)
            out[index] = lot
            continue
        out[index] = Lot(
            item=output.item, facility=facility, code=next(codes), origin=LotOrigin.PRODUCTION, pack_date=on,
            use_by_date=use_by, state=output.state, kill_date=kill_date, unit_cost_per_lb=output.unit_cost_per_lb,
            production_order=production_order,
        )  # fmt: skip
    Lot.objects.bulk_create([lot for lot in out.values() if lot.pk is None])
    if rows:
        Lot.objects.filter(pk__in=[lot.pk for lot in rows]).update(production_order=production_order)
        for lot in rows:
            lot.production_order = production_order
    return out


def _outputs_into_new_lots(rows, *, outputs, balances, facility, on, memo, source_type, source_id) -> dict:
    """Post production_output movements into new lots (each of its own item): movements, lot balances, lot
    days and stock days in one statement each, the stock balances in one UPDATE. The balances are locked by the
    caller; new lots have no other rows, so their balance and day rows are created at the lb they receive.
    Returns index -> movement."""
    if not rows:
        return {}
    now = timezone.now()
    movements, balance_rows, days = {}, [], []
    for index, lot, quantity, cost, value in rows:
        item = outputs[index].item
        balance = balances[(facility.pk, item.pk)]
        if value is None:
            if cost is None:
                cost = balance.avg_cost_per_lb if balance.on_hand_lb > 0 else item.standard_cost_per_lb
            value = quantize(quantity * cost, 2)
        movements[index] = StockMovement(
            facility=facility, item=item, lot=lot, kind=MovementKind.PRODUCTION_OUTPUT, direction=1,
            quantity_lb=quantity, effective_date=on, unit_cost_per_lb=cost, value=value, memo=memo,
            source_type=source_type, source_id=source_id,
        )  # fmt: skip
        new_on_hand, new_value = balance.on_hand_lb + quantity, balance.value + value
        avg = quantize(new_value / new_on_hand, 4) if new_on_hand > 0 else balance.avg_cost_per_lb
        balance_rows.append((balance.pk, quantity, value, avg))
        balance.on_hand_lb, balance.value, balance.avg_cost_per_lb = new_on_hand, new_value, avg
        days.append((facility.pk, item.pk, on, quantity, value))
    stock_days_move_many(rows=days)
    LotDay.objects.bulk_create([LotDay(lot=lot, facility=facility, date=on, closing_lb=lb) for _, lot, lb, *_ in rows])
    LotBalance.objects.bulk_create([LotBalance(lot=lot, facility=facility, on_hand_lb=lb) for _, lot, lb, *_ in rows])
    StockMovement.objects.bulk_create(list(movements.values()))
    ids, lbs, values, avgs = (list(column) for column in zip(*balance_rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {StockBalance._meta.db_table} AS b SET on_hand_lb = b.on_hand_lb + v.q, value = b.value + v.v, "
            "avg_cost_per_lb = v.a, updated_at = %s FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], "
            "%s::numeric[]) AS v(id, q, v, a) WHERE b.id = v.id",
            [now, ids, lbs, values, avgs],
        )
    return movements
