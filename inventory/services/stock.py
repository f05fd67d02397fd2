"""Stock postings: the only writers of StockMovement, StockBalance, StockDay, LotBalance and LotDay.

Every movement names exactly one lot. Each posting, in one transaction: lock the StockBalance rows
of its facilities and item, then the LotBalance rows (inventory.locks, pk order); read the lots
fresh and refuse a held, expired, foreign or short lot by name; write the movement; shift every
StockDay and LotDay row on or after its date; and move both balances with F() expressions.

Weighted average cost is perpetual in posting order per facility and item: inbound movements
(receipts, production output, transfer-in at the source's cost, positive adjustments) blend
their value in; outbound movements are valued at the current average, which they do not change.
Lots carry no value of their own: a lot's value is its lb at the pair's average cost.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.fields import quantize
from inventory.errors import InsufficientStock, LotExpired, LotOnHold, ShelfLifeTooShort
from inventory.locks import lot_balances_lock, stock_balances_lock
from inventory.models import (
    Facility,
    Item,
    Lot,
    LotBalance,
    LotOrigin,
    LotState,
    MovementKind,
    StockBalance,
    StockMovement,
    TransferLane,
)
from inventory.services.days import lot_days_move, lots_available, stock_days_move
from inventory.services.inputs import date_input, kind_and_direction, quantity_input, unit_cost_input
from inventory.services.lots import lot_code_next, lots_pick_fefo, shelf_life_use_by

# What may not take stock out of a held or expired lot. A negative adjustment may: writing off or
# destroying held or out-of-date product is how it leaves the books.
SALEABLE_KINDS = frozenset({MovementKind.SHIPMENT, MovementKind.TRANSFER_OUT, MovementKind.PRODUCTION_INPUT})
_VERBS = {"shipment": "shipped", "transfer_out": "transferred", "production_input": "used in production"}


def _lot_context(lot: Lot, facility: Facility) -> dict:
    return {
        "lot": lot.pk,
        "lot_code": lot.code,
        "facility": facility.pk,
        "facility_code": facility.code,
        "item": lot.item_id,
        "imps_code": lot.item.imps_code,
    }


def _lot_of(lot, item: Item, *, field: str) -> Lot:
    if not isinstance(lot, Lot):
        raise InvalidInput("lot must be a lot.", field=field)
    if lot.item_id != item.pk:
        raise InvalidInput(
            f"Lot {lot.code} is a lot of {lot.item.imps_code}, not {item.imps_code}.",
            field=field,
            lot=lot.pk,
            lot_code=lot.code,
        )
    return lot


def _fresh(lots: list[Lot]) -> dict[int, Lot]:
    """Re-read the lots after their balances are locked: a hold that committed meanwhile is seen."""
    return Lot.objects.select_related("item", "facility").in_bulk([lot.pk for lot in lots])


def _check_may_leave(*, lot: Lot, facility: Facility, kind: str, on: date, min_use_by: date | None, field: str):
    if kind not in SALEABLE_KINDS:
        return
    context = _lot_context(lot, facility)
    if lot.on_hold:
        raise LotOnHold(
            f"Lot {lot.code} of {lot.item.imps_code} is on hold ({lot.hold_reason}): it cannot be {_VERBS[kind]}.",
            field=field,
            **context,
            hold_reason=lot.hold_reason,
            held_at=lot.held_at.isoformat() if lot.held_at else None,
        )
    if lot.use_by_date is not None and lot.use_by_date < on:
        raise LotExpired(
            f"Lot {lot.code} of {lot.item.imps_code} is past its use-by date {lot.use_by_date.isoformat()} "
            f"on {on.isoformat()}: it cannot be {_VERBS[kind]}.",
            field=field,
            **context,
            use_by_date=lot.use_by_date.isoformat(),
        )
    if min_use_by is not None and lot.use_by_date is not None and lot.use_by_date < min_use_by:
        raise ShelfLifeTooShort(
            f"Lot {lot.code} of {lot.item.imps_code} has use-by {lot.use_by_date.isoformat()}, before "
            f"{min_use_by.isoformat()}, the earliest use-by this movement accepts.",
            field=field,
            **context,
            use_by_date=lot.use_by_date.isoformat(),
            min_use_by_date=min_use_by.isoformat(),
        )


def _check_lies_at(lot: Lot, facility: Facility, *, field: str) -> None:
    """A lot is at home where it was received or made, and lies wherever it has been moved to."""
    if (
        lot.facility_id != facility.pk
        and not LotBalance.objects.filter(lot_id=lot.pk, facility_id=facility.pk).exists()
    ):
        where = list(
            LotBalance.objects.filter(lot_id=lot.pk, on_hand_lb__gt=0).values_list("facility__code", flat=True)
        )
        raise InvalidInput(
            f"Lot {lot.code} of {lot.item.imps_code} has no stock at {facility.code}"
            + (f" (it lies at {', '.join(sorted(where))})." if where else "."),
            field=field,
            **_lot_context(lot, facility),
        )


def _ensure_lot_available(*, lot: Lot, facility: Facility, on: date, quantity: Decimal, field: str) -> None:
    closing, available, first_short = lots_available(
        facility_id=facility.pk, on=on, lot_ids=[lot.pk], quantity=quantity
    ).get(lot.pk, (Decimal("0.00"), Decimal("0.00"), None))
    if available >= quantity:
        return
    short_on = first_short if closing >= quantity and first_short else on
    raise InsufficientStock(
        f"Not enough of lot {lot.code} ({lot.item.imps_code}) at {facility.code} on {short_on.isoformat()}: "
        f"{quantity} lb needed, {available} lb available, short {quantity - available} lb.",
        field=field,
        **_lot_context(lot, facility),
        date=short_on.isoformat(),
        requested_lb=str(quantity),
        available_lb=str(available),
        shortfall_lb=str(quantity - available),
    )


def _apply(
    *,
    balance: StockBalance,
    lot_balance: LotBalance,
    lot: Lot,
    facility: Facility,
    item: Item,
    kind: str,
    direction: int,
    quantity: Decimal,
    effective_date: date,
    unit_cost: Decimal | None,
    value: Decimal | None = None,
    field: str = "quantity_lb",
    checked: bool = False,
    **fields,
) -> StockMovement:
    """Write one movement of one lot and move its day rows and balances. The caller holds both locks;
    `checked`: the caller already measured the lot's availability under them (a FEFO pick)."""
    if direction < 0:
        if not checked:
            _ensure_lot_available(lot=lot, facility=facility, on=effective_date, quantity=quantity, field=field)
        unit_cost = balance.avg_cost_per_lb
        if quantity >= balance.on_hand_lb:
            value = -balance.value  # the last pound takes the remaining value: no rounding residue
        else:
            value = -min(quantize(quantity * unit_cost, 2), balance.value)
    elif value is None:
        if unit_cost is None:
            unit_cost = balance.avg_cost_per_lb if balance.on_hand_lb > 0 else item.standard_cost_per_lb
        value = quantize(quantity * unit_cost, 2)
    signed = quantity * direction
    stock_days_move(facility_id=facility.pk, item_id=item.pk, on=effective_date, quantity=signed, value=value)
    lot_days_move(lot_id=lot.pk, facility_id=facility.pk, on=effective_date, quantity=signed)

    movement = StockMovement.objects.create(
        facility=facility,
        item=item,
        lot=lot,
        kind=kind,
        direction=direction,
        quantity_lb=quantity,
        effective_date=effective_date,
        unit_cost_per_lb=unit_cost,
        value=value,
        **fields,
    )
    now = timezone.now()
    new_on_hand, new_value = balance.on_hand_lb + signed, balance.value + value
    avg = balance.avg_cost_per_lb
    if direction > 0 and new_on_hand > 0:
        avg = quantize(new_value / new_on_hand, 4)
    StockBalance.objects.filter(pk=balance.pk).update(
        on_hand_lb=F("on_hand_lb") + signed, value=F("value") + value, avg_cost_per_lb=avg, updated_at=now
    )
    LotBalance.objects.filter(pk=lot_balance.pk).update(on_hand_lb=F("on_hand_lb") + signed, updated_at=now)
    # Keep the locked instances in step, so a second movement in the same transaction sees them.
    balance.on_hand_lb, balance.value, balance.avg_cost_per_lb = new_on_hand, new_value, avg
    lot_balance.on_hand_lb += signed
    return movement


def _inbound_lot(*, lot: Lot | None, kind: str, facility: Facility, item: Item, on: date, unit_cost) -> Lot:
    """The lot an inbound movement adds to: the one named (of this item, home here or lying here), or a
    new one for a receipt or production output that names none (code generated, packed on `on`)."""
    if lot is None:
        if kind == MovementKind.ADJUSTMENT:
            raise InvalidInput("A positive adjustment adds to a named lot: give lot.", field="lot")
        origin = LotOrigin.RECEIPT if kind == MovementKind.RECEIPT else LotOrigin.PRODUCTION
        # A generated code is unique by its sequence: no uniqueness check, no savepoint (a hot path).
        return Lot.objects.create(
            item=item, facility=facility, code=lot_code_next(facility=facility, on=on), origin=origin, pack_date=on,
            use_by_date=shelf_life_use_by(item=item, pack_date=on, state=LotState.CHILLED), unit_cost_per_lb=unit_cost,
        )  # fmt: skip
    lot = _lot_of(lot, item, field="lot")
    if kind == MovementKind.ADJUSTMENT:
        if lot.facility_id != facility.pk:
            _check_lies_at(lot, facility, field="lot")
    elif lot.facility_id != facility.pk:
        raise InvalidInput(
            f"Lot {lot.code} of {item.imps_code} belongs to {lot.facility.code}; a {kind} at {facility.code} "
            "adds to a lot of its own (move stock between facilities with a transfer).",
            field="lot",
            **_lot_context(lot, facility),
        )
    return lot


def stock_movement_post(
    *,
    facility: Facility,
    item: Item,
    kind: str,
    quantity_lb,
    effective_date: date,
    lot: Lot | None = None,
    unit_cost_per_lb=None,
    memo: str = "",
    source_type: str = "",
    source_id: int | None = None,
    direction: int | None = None,
    min_use_by: date | None = None,
) -> StockMovement:
    """Post one non-transfer movement of one lot; returns it with `value` = signed value at cost.

    Inbound: adds to `lot`, or (receipt, production output) to a new lot when none is named.
    Outbound (shipment, production_input, adjustment -1) names its lot (stock_issue picks FEFO) and
    is valued at the weighted average cost (`unit_cost_per_lb` is ignored); that value is the COGS.
    Raises InvalidInput (400, naming the field), InsufficientStock, LotOnHold, LotExpired or
    ShelfLifeTooShort (409, naming the lot); writes nothing then.
    """
    kind, direction = kind_and_direction(kind, direction)
    quantity = quantity_input(quantity_lb)
    unit_cost = unit_cost_input(unit_cost_per_lb)
    effective_date = date_input(effective_date)
    if direction < 0:
        if lot is None:
            raise InvalidInput("An outbound movement names its lot (stock_issue picks lots FEFO).", field="lot")
        return stock_issue(
            facility=facility,
            item=item,
            kind=kind,
            direction=direction if kind == MovementKind.ADJUSTMENT else None,
            effective_date=effective_date,
            lots=[(lot, quantity)],
            min_use_by=min_use_by,
            memo=memo,
            source_type=source_type,
            source_id=source_id,
            field="lot",
        )[0]
    with transaction.atomic():
        generated = lot is None
        lot = _inbound_lot(lot=lot, kind=kind, facility=facility, item=item, on=effective_date, unit_cost=unit_cost)
        balance = stock_balances_lock(pairs=[(facility.pk, item.pk)])[(facility.pk, item.pk)]
        lot_balance = lot_balances_lock(pairs=[(lot.pk, facility.pk)])[(lot.pk, facility.pk)]
        return _apply(
            balance=balance,
            lot_balance=lot_balance,
            lot=lot if generated else _fresh([lot])[lot.pk],
            facility=facility,
            item=item,
            kind=kind,
            direction=direction,
            quantity=quantity,
            effective_date=effective_date,
            unit_cost=unit_cost,
            memo=memo,
            source_type=source_type,
            source_id=source_id,
        )


def _named_lots(lots, item: Item, *, field: str) -> list[tuple[Lot, Decimal, str, str]]:
    """[(lot, lb, lot's error field, lb's error field)]; `field` "lot" is the one-lot form."""
    if not isinstance(lots, list | tuple) or not lots:
        raise InvalidInput("Give at least one lot with its quantity_lb.", field=field)
    out, seen = [], set()
    for index, (lot, lb) in enumerate(lots):
        fields = ("lot", "quantity_lb") if field == "lot" else (f"{field}.{index}.lot", f"{field}.{index}.quantity_lb")
        lot = _lot_of(lot, item, field=fields[0])
        if lot.pk in seen:
            raise InvalidInput(f"Lot {lot.code} appears twice; give it once.", field=fields[0])
        seen.add(lot.pk)
        out.append((lot, quantity_input(lb, field=fields[1]), *fields))
    return out


def _take(
    *, facility: Facility, item: Item, kind: str, on: date, lots, quantity_lb, min_use_by, field: str
) -> list[tuple[Lot, Decimal, str]]:
    """Under the pair's lock: the (fresh lot, lb, lb's error field) an outbound posting takes."""
    if lots is None:
        if quantity_lb is None:
            raise InvalidInput("Give quantity_lb (lots are picked FEFO) or the lots to take.", field="quantity_lb")
        picks = lots_pick_fefo(facility=facility, item=item, quantity_lb=quantity_lb, on=on, min_use_by=min_use_by)
        return [(lot, lb, None) for lot, lb in picks]  # None: measured under the lock, not re-checked
    named = _named_lots(lots, item, field=field)
    total = sum(lb for _, lb, _, _ in named)
    if quantity_lb is not None and quantity_input(quantity_lb) != total:
        raise InvalidInput(f"quantity_lb is not the sum of the lots' quantity_lb ({total}).", field="quantity_lb")
    for lot, _, lot_field, _ in named:
        _check_lies_at(lot, facility, field=lot_field)
    fresh = _fresh([lot for lot, _, _, _ in named])
    for lot, _, lot_field, _ in named:
        _check_may_leave(lot=fresh[lot.pk], facility=facility, kind=kind, on=on, min_use_by=min_use_by, field=lot_field)
    return [(fresh[lot.pk], lb, lb_field) for lot, lb, _, lb_field in named]


def stock_issue(
    *,
    facility: Facility,
    item: Item,
    kind: str,
    effective_date: date,
    quantity_lb=None,
    lots: list[tuple[Lot, Decimal]] | None = None,
    min_use_by: date | None = None,
    direction: int | None = None,
    memo: str = "",
    source_type: str = "",
    source_id: int | None = None,
    field: str = "lots",
) -> list[StockMovement]:
    """Take stock out of named `lots` [(lot, lb)], or `quantity_lb` first-expired-first-out; one movement
    per lot, every one returned. `min_use_by` refuses (or FEFO skips) lots with an earlier use-by."""
    kind, direction = kind_and_direction(kind, direction)
    if direction > 0:
        raise InvalidInput(f"A {kind} puts stock in: use stock_movement_post.", field="kind")
    effective_date = date_input(effective_date)
    with transaction.atomic():
        balance = stock_balances_lock(pairs=[(facility.pk, item.pk)])[(facility.pk, item.pk)]
        takes = _take(
            facility=facility, item=item, kind=kind, on=effective_date, lots=lots, quantity_lb=quantity_lb,
            min_use_by=min_use_by, field=field,
        )  # fmt: skip
        locked = lot_balances_lock(pairs=[(lot.pk, facility.pk) for lot, _, _ in takes])
        return [
            _apply(
                balance=balance,
                lot_balance=locked[(lot.pk, facility.pk)],
                lot=lot,
                facility=facility,
                item=item,
                kind=kind,
                direction=direction,
                quantity=lb,
                effective_date=effective_date,
                unit_cost=None,
                field=where or "quantity_lb",
                checked=where is None,
                memo=memo,
                source_type=source_type,
                source_id=source_id,
            )
            for lot, lb, where in takes
        ]


def stock_transfer_post(
    *,
    lane: TransferLane,
    item: Item,
    ship_date: date,
    quantity_lb=None,
    lot: Lot | None = None,
    lots: list[tuple[Lot, Decimal]] | None = None,
    memo: str = "",
    source_type: str = "",
    source_id: int | None = None,
    freight_cost: Decimal | None = None,
) -> list[tuple[StockMovement, StockMovement]]:
    """Move lots over a lane: per lot, an out leg (dated `ship_date`) and an in leg (ship_date + lead
    time) into the same lot at the destination. Named `lot`/`lots`, or `quantity_lb` FEFO.

    The in leg carries the out leg's value, so value moves between facilities without change, plus its
    share (by lb; the last lot takes the rounding rest) of `freight_cost`, capitalised into the lot's cost.
    """
    freight_cost = quantize(freight_cost or 0)
    ship_date = date_input(ship_date, field="ship_date")
    if not lane.active:
        raise InvalidInput(f"Lane {lane.pk} is inactive.", field="lane")
    if lot is not None:
        if lots is not None:
            raise InvalidInput("Give lot or lots, not both.", field="lots")
        lots, field = [(lot, quantity_lb)], "lot"
        quantity_lb = None
    else:
        field = "lots"
    source, target = lane.from_facility, lane.to_facility
    arrive = ship_date + timedelta(days=lane.lead_time_days)
    with transaction.atomic():
        balances = stock_balances_lock(pairs=[(source.pk, item.pk), (target.pk, item.pk)])
        takes = _take(
            facility=source, item=item, kind=MovementKind.TRANSFER_OUT, on=ship_date, lots=lots,
            quantity_lb=quantity_lb, min_use_by=None, field=field,
        )  # fmt: skip
        locked = lot_balances_lock(
            pairs=[(lot.pk, source.pk) for lot, _, _ in takes] + [(lot.pk, target.pk) for lot, _, _ in takes]
        )
        legs, freight_left, moved = [], freight_cost, sum((lb for _, lb, _ in takes), Decimal("0"))
        for position, (lot, lb, where) in enumerate(takes):
            freight = freight_left if position == len(takes) - 1 else quantize(freight_cost * lb / moved)
            freight_left -= freight
            common = {"item": item, "lot": lot, "quantity": lb, "memo": memo, "lane": lane}
            common |= {"source_type": source_type, "source_id": source_id}
            out_leg = _apply(
                balance=balances[(source.pk, item.pk)],
                lot_balance=locked[(lot.pk, source.pk)],
                facility=source,
                kind=MovementKind.TRANSFER_OUT,
                direction=-1,
                effective_date=ship_date,
                unit_cost=None,
                field=where or "quantity_lb",
                checked=where is None,
                **common,
            )
            in_leg = _apply(
                balance=balances[(target.pk, item.pk)],
                lot_balance=locked[(lot.pk, target.pk)],
                facility=target,
                kind=MovementKind.TRANSFER_IN,
                direction=1,
                effective_date=arrive,
                unit_cost=quantize((freight - out_leg.value) / lb, 4) if freight else out_leg.unit_cost_per_lb,
                value=freight - out_leg.value,
                transfer_pair=out_leg,
                **common,
            )
            StockMovement.objects.filter(pk=out_leg.pk).update(transfer_pair=in_leg)
            out_leg.transfer_pair = in_leg
            legs.append((out_leg, in_leg))
    return legs


__all__ = ["InsufficientStock", "stock_issue", "stock_movement_post", "stock_transfer_post"]
