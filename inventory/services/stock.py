"""Stock postings: the only writers of StockMovement, StockBalance and StockDay.

Each posting, in one transaction: lock the StockBalance row(s) (inventory.locks, pk order), check
that on-hand stays >= 0 on the movement's date and every later date (StockDay), write the
movement, add its signed quantity and value to every StockDay row on or after its date, and move
the balance (on-hand, value, weighted average cost) with F() expressions.

Weighted average cost is perpetual in posting order per facility and item: inbound movements
(receipts, production output, transfer-in at the source's cost, positive adjustments) blend
their value in; outbound movements are valued at the current average, which they do not change.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cashsheet.api.exceptions import Conflict, InvalidInput
from cashsheet.api.fields import quantize
from inventory.locks import stock_balances_lock
from inventory.models import (
    INBOUND_KINDS,
    Facility,
    Item,
    MovementKind,
    StockBalance,
    StockDay,
    StockMovement,
    TransferLane,
)

ZERO = Decimal("0.00")
MAX_WEIGHT = Decimal("9999999999.99")


class InsufficientStock(Conflict):
    """409: the movement would take on-hand below zero on its date or a later one."""

    code = "insufficient_stock"


def _decimal(value, *, field: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise InvalidInput("A number is required.", field=field)
    try:
        # str() first: a float argument keeps the digits it prints, not its binary expansion.
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"'{value}' is not a number.", field=field) from exc
    if not result.is_finite():
        raise InvalidInput(f"'{value}' is not a finite number.", field=field)
    return result


def _quantity(value) -> Decimal:
    quantity = quantize(_decimal(value, field="quantity_lb"), 2)
    if quantity <= 0:
        raise InvalidInput("quantity_lb must be greater than 0 (the kind gives the direction).", field="quantity_lb")
    if quantity > MAX_WEIGHT:
        raise InvalidInput("quantity_lb is too large.", field="quantity_lb")
    return quantity


def _unit_cost(value) -> Decimal | None:
    if value is None:
        return None
    cost = quantize(_decimal(value, field="unit_cost_per_lb"), 4)
    if cost < 0:
        raise InvalidInput("unit_cost_per_lb may not be negative.", field="unit_cost_per_lb")
    return cost


def _kind_and_direction(kind, direction) -> tuple[str, int]:
    if kind not in MovementKind.values:
        raise InvalidInput(f"Unknown kind '{kind}'; choose from {', '.join(MovementKind.values)}.", field="kind")
    if kind in (MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN):
        raise InvalidInput("Transfers post both legs together: use stock_transfer_post (a lane).", field="kind")
    if kind == MovementKind.ADJUSTMENT:
        if direction not in (1, -1):
            raise InvalidInput("An adjustment needs direction 1 (into stock) or -1 (out of stock).", field="direction")
        return kind, direction
    if direction is not None:
        raise InvalidInput("direction is only given for adjustments; the kind gives it.", field="direction")
    return kind, (1 if kind in INBOUND_KINDS else -1)


def _effective_date(value) -> date:
    if not isinstance(value, date):
        raise InvalidInput("effective_date must be a date.", field="effective_date")
    return value


def _check_lot(*, facility: Facility, item: Item, lot_code: str) -> None:
    """An outbound movement naming a lot must name one that was received here."""
    if (
        lot_code
        and not StockMovement.objects.filter(facility=facility, item=item, lot_code=lot_code, direction=1).exists()
    ):
        raise InvalidInput(
            f"Lot '{lot_code}' of {item.imps_code} was never received at {facility.code}.", field="lot_code"
        )


_DAY = StockDay._meta.db_table

_AVAILABLE_SQL = f"""
SELECT
  (SELECT closing_lb FROM {_DAY} WHERE facility_id = %(f)s AND item_id = %(i)s AND date <= %(d)s
   ORDER BY date DESC LIMIT 1),
  (SELECT MIN(closing_lb) FROM {_DAY} WHERE facility_id = %(f)s AND item_id = %(i)s AND date > %(d)s)
"""

_FIRST_SHORT_SQL = f"""
SELECT date FROM {_DAY} WHERE facility_id = %(f)s AND item_id = %(i)s AND date > %(d)s AND closing_lb < %(q)s
ORDER BY date LIMIT 1
"""

# One statement moves the days: every row on or after D shifts by the movement, and when D has no
# row yet, one is inserted from the latest earlier closing (or zero) plus the movement. Not an
# INSERT .. ON CONFLICT DO UPDATE: PostgreSQL checks CHECK constraints on the proposed row before
# it looks for the conflict, so a same-day shipment would fail `closing_lb >= 0` on "0 - q". The
# caller holds the pair's balance lock, so no one else inserts D's row in between.
_MOVE_DAYS_SQL = f"""
WITH moved AS (
  UPDATE {_DAY} SET closing_lb = closing_lb + %(q)s, closing_value = closing_value + %(v)s
  WHERE facility_id = %(f)s AND item_id = %(i)s AND date >= %(d)s
  RETURNING date
)
INSERT INTO {_DAY} (facility_id, item_id, date, closing_lb, closing_value)
SELECT %(f)s, %(i)s, %(d)s, COALESCE(p.closing_lb, 0) + %(q)s, COALESCE(p.closing_value, 0) + %(v)s
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
  SELECT closing_lb, closing_value FROM {_DAY}
  WHERE facility_id = %(f)s AND item_id = %(i)s AND date < %(d)s ORDER BY date DESC LIMIT 1
) AS p ON true
WHERE NOT EXISTS (SELECT 1 FROM moved WHERE moved.date = %(d)s)
"""


def _ensure_available(*, facility: Facility, item: Item, on: date, quantity: Decimal) -> None:
    """Refuse (409) an outbound `quantity` dated `on` if any closing on or after `on` is smaller.

    The caller holds the balance row lock, so no other posting for this pair can move the days
    between this check and the write; the StockDay check constraint is the backstop.
    """
    params = {"f": facility.pk, "i": item.pk, "d": on, "q": quantity}
    with connection.cursor() as cursor:
        cursor.execute(_AVAILABLE_SQL, params)
        at_date, later_min = cursor.fetchone()
        at_date = at_date if at_date is not None else ZERO
        available = at_date if later_min is None else min(at_date, later_min)
        if available >= quantity:
            return
        short_on = on
        if at_date >= quantity:
            cursor.execute(_FIRST_SHORT_SQL, params)
            short_on = cursor.fetchone()[0]
    shortfall = quantity - available
    raise InsufficientStock(
        f"Not enough {item.imps_code} at {facility.code} on {short_on.isoformat()}: "
        f"{quantity} lb needed, {available} lb available, short {shortfall} lb.",
        field="quantity_lb",
        facility=facility.pk,
        facility_code=facility.code,
        item=item.pk,
        imps_code=item.imps_code,
        date=short_on.isoformat(),
        requested_lb=str(quantity),
        available_lb=str(available),
        shortfall_lb=str(shortfall),
    )


def _apply(
    *,
    balance: StockBalance,
    facility: Facility,
    item: Item,
    kind: str,
    direction: int,
    quantity: Decimal,
    effective_date: date,
    unit_cost: Decimal | None,
    value: Decimal | None = None,
    **fields,
) -> StockMovement:
    """Write one movement and move its day rows and balance. The caller holds `balance`'s lock."""
    if direction < 0:
        _ensure_available(facility=facility, item=item, on=effective_date, quantity=quantity)
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

    with connection.cursor() as cursor:
        params = {"f": facility.pk, "i": item.pk, "d": effective_date, "q": signed, "v": value}
        cursor.execute(_MOVE_DAYS_SQL, params)

    movement = StockMovement.objects.create(
        facility=facility,
        item=item,
        kind=kind,
        direction=direction,
        quantity_lb=quantity,
        effective_date=effective_date,
        unit_cost_per_lb=unit_cost,
        value=value,
        **fields,
    )

    new_on_hand = balance.on_hand_lb + signed
    new_value = balance.value + value
    avg = balance.avg_cost_per_lb
    if direction > 0 and new_on_hand > 0:
        avg = quantize(new_value / new_on_hand, 4)
    StockBalance.objects.filter(pk=balance.pk).update(
        on_hand_lb=F("on_hand_lb") + signed, value=F("value") + value, avg_cost_per_lb=avg, updated_at=timezone.now()
    )
    # Keep the locked instance in step, so a second leg in the same transaction sees it.
    balance.on_hand_lb, balance.value, balance.avg_cost_per_lb = new_on_hand, new_value, avg
    return movement


def stock_movement_post(
    *,
    facility: Facility,
    item: Item,
    kind: str,
    quantity_lb,
    effective_date: date,
    lot_code: str = "",
    unit_cost_per_lb=None,
    memo: str = "",
    source_type: str = "",
    source_id: int | None = None,
    direction: int | None = None,
) -> StockMovement:
    """Post one non-transfer movement; returns it with `value` = signed value at cost.

    Outbound kinds (shipment, production_input, adjustment -1) are valued at the current weighted
    average cost (`unit_cost_per_lb` is ignored for them); that value is the cost of goods sold.
    Raises InvalidInput (400, naming the field) or InsufficientStock (409); writes nothing then.
    """
    kind, direction = _kind_and_direction(kind, direction)
    quantity = _quantity(quantity_lb)
    unit_cost = _unit_cost(unit_cost_per_lb)
    effective_date = _effective_date(effective_date)
    with transaction.atomic():
        balance = stock_balances_lock(pairs=[(facility.pk, item.pk)])[(facility.pk, item.pk)]
        if direction < 0:
            _check_lot(facility=facility, item=item, lot_code=lot_code)
        return _apply(
            balance=balance,
            facility=facility,
            item=item,
            kind=kind,
            direction=direction,
            quantity=quantity,
            effective_date=effective_date,
            unit_cost=unit_cost,
            lot_code=lot_code,
            memo=memo,
            source_type=source_type,
            source_id=source_id,
        )


def stock_transfer_post(
    *, lane: TransferLane, item: Item, quantity_lb, ship_date: date, lot_code: str = "", memo: str = ""
) -> tuple[StockMovement, StockMovement]:
    """Post a transfer's out leg (dated `ship_date`) and in leg (dated ship_date + lead time) together.

    The in leg carries the out leg's value, so value moves between facilities without change.
    """
    quantity = _quantity(quantity_lb)
    ship_date = _effective_date(ship_date)
    if not lane.active:
        raise InvalidInput(f"Lane {lane.pk} is inactive.", field="lane")
    source, target = lane.from_facility, lane.to_facility
    with transaction.atomic():
        balances = stock_balances_lock(pairs=[(source.pk, item.pk), (target.pk, item.pk)])
        _check_lot(facility=source, item=item, lot_code=lot_code)
        common = {"item": item, "quantity": quantity, "lot_code": lot_code, "memo": memo, "lane": lane}
        out_leg = _apply(
            balance=balances[(source.pk, item.pk)],
            facility=source,
            kind=MovementKind.TRANSFER_OUT,
            direction=-1,
            effective_date=ship_date,
            unit_cost=None,
            **common,
        )
        in_leg = _apply(
            balance=balances[(target.pk, item.pk)],
            facility=target,
            kind=MovementKind.TRANSFER_IN,
            direction=1,
            effective_date=ship_date + timedelta(days=lane.lead_time_days),
            unit_cost=out_leg.unit_cost_per_lb,
            value=-out_leg.value,
            transfer_pair=out_leg,
            **common,
        )
        StockMovement.objects.filter(pk=out_leg.pk).update(transfer_pair=in_leg)
        out_leg.transfer_pair = in_leg
    return out_leg, in_leg


__all__ = ["InsufficientStock", "stock_movement_post", "stock_transfer_post"]
