"""Shipping a confirmed order: catch weights per lot, stock out of the allocated facilities, COGS, events.

A line ships from named lots (`[(lot, lb), ...]`) or, given only its weight, from lots picked
first-expired-first-out at each allocated facility. Either way no lot may arrive with less shelf
life than the order (or its customer) requires: use-by >= arrival + min_shelf_life_days, where
arrival is the line's delivery date (or the ship date, when shipping late).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from atp.services import atp_release
from cashsheet.api.exceptions import Conflict, DomainError, InvalidInput
from cashsheet.api.fields import quantize
from cashsheet.api.tenancy import current_silo
from inventory.errors import ShelfLifeTooShort
from inventory.locks import stock_balances_lock
from inventory.models import Facility, Lot, LotBalance, MovementKind
from inventory.selectors import lot_find, work_pending
from inventory.services import stock_issue
from ledger.services import account_for_role, journal_entry_post
from sales.models import SalesOrder, SalesOrderAllocation, SalesOrderLine, SalesOrderLineLot, SalesOrderStatus
from sales.services.common import RESERVATION_SOURCE, order_lock, order_payload, require_status
from webhooks.services import event_emit


@dataclass(frozen=True)
class ShipLine:
    """What one line shipped: its catch weight, over named lots [(lot or its id/code, lb)] or FEFO."""

    shipped_lb: Decimal | None = None
    lots: list[tuple[Lot | int | str, Decimal]] | None = None


def _ship_lines(shipped: dict) -> dict[int, ShipLine]:
    """Accept {line_id: Decimal} (weight only, FEFO), {line_id: [(lot, lb)]} or {line_id: ShipLine}."""
    out = {}
    for line_id, value in shipped.items():
        if isinstance(value, ShipLine):
            out[line_id] = value
        elif isinstance(value, list | tuple):
            out[line_id] = ShipLine(lots=list(value))
        else:
            out[line_id] = ShipLine(shipped_lb=value)
    return out


def _weight(ship: ShipLine, index: int) -> Decimal:
    if ship.lots is None:
        return quantize(ship.shipped_lb)
    if not ship.lots:
        raise InvalidInput("Give at least one lot with its shipped_lb.", field=f"lines.{index}.lots")
    total = quantize(sum((Decimal(lb) for _, lb in ship.lots), Decimal("0")))
    if ship.shipped_lb is not None and quantize(ship.shipped_lb) != total:
        raise InvalidInput(
            f"shipped_lb {quantize(ship.shipped_lb)} is not the sum of the lots' shipped_lb ({total}).",
            field=f"lines.{index}.shipped_lb",
        )
    return total


def _check_catch_weights(lines: list[SalesOrderLine], shipped: dict[int, ShipLine]) -> dict[int, Decimal]:
    tolerance = (current_silo().catch_weight_tolerance_pct if current_silo() else Decimal("10")) / Decimal(100)
    known = {line.pk for line in lines}
    unknown = sorted(set(shipped) - known)
    if unknown:
        raise InvalidInput(f"Lines {unknown} are not lines of this order.", field="lines")
    missing = [line.line_no for line in lines if line.pk not in shipped]
    if missing:
        raise InvalidInput(f"Give shipped_lb for every line; missing line_no {missing}.", field="lines")
    weights = {}
    for index, line in enumerate(lines):
        weight = weights[line.pk] = _weight(shipped[line.pk], index)
        low, high = line.quantity_lb * (1 - tolerance), line.quantity_lb * (1 + tolerance)
        if weight <= 0 or not (low <= weight <= high):
            raise InvalidInput(
                f"Line {line.line_no}: shipped {weight} lb is outside ±{tolerance * 100:.0f}% of the ordered "
                f"{line.quantity_lb} lb ({quantize(low)}–{quantize(high)} lb).",
                field=f"lines.{index}.shipped_lb",
            )
    return weights


@dataclass
class _Plan:
    """One stock_issue call: a line's lb out of one facility, named lots or FEFO."""

    index: int
    line: SalesOrderLine
    facility: Facility
    quantity_lb: Decimal | None = None
    lots: list[tuple[Lot, Decimal]] | None = None


def _sources(line: SalesOrderLine) -> list[SalesOrderAllocation]:
    return list(line.allocations.all()) or [
        SalesOrderAllocation(source_facility=line.facility, quantity_lb=line.quantity_lb)
    ]


def _named_plans(index: int, line: SalesOrderLine, ship: ShipLine) -> list[_Plan]:
    """Named lots, grouped by the allocated facility each lies in (the largest allocation first)."""
    facilities = [a.source_facility for a in _sources(line)]
    by_facility: dict[int, _Plan] = {}
    for position, (ref, lb) in enumerate(ship.lots):
        field = f"lines.{index}.lots.{position}.lot"
        try:
            lot = ref if isinstance(ref, Lot) else lot_find(ref=str(ref), item=line.item)
        except InvalidInput as exc:
            exc.field = field
            raise
        if lot.item_id != line.item_id:
            raise InvalidInput(
                f"Lot {lot.code} is a lot of {lot.item.imps_code}; line {line.line_no} ships {line.item.imps_code}.",
                field=field, lot=lot.pk, lot_code=lot.code,
            )  # fmt: skip
        held_at = set(
            LotBalance.objects.filter(lot=lot, on_hand_lb__gt=0, facility__in=facilities).values_list(
                "facility_id", flat=True
            )
        )
        facility = next((f for f in facilities if f.pk in held_at), None)
        if facility is None:
            raise InvalidInput(
                f"Lot {lot.code} has no stock at {', '.join(f.code for f in facilities)}, where line "
                f"{line.line_no} ships from.",
                field=field, lot=lot.pk, lot_code=lot.code,
            )  # fmt: skip
        plan = by_facility.setdefault(facility.pk, _Plan(index=index, line=line, facility=facility, lots=[]))
        plan.lots.append((lot, quantize(Decimal(lb))))
    return list(by_facility.values())


def _fefo_plans(index: int, line: SalesOrderLine, weight: Decimal) -> list[_Plan]:
    """The catch weight split across the sources in proportion to what each was allocated."""
    allocations, plans, remaining = _sources(line), [], weight
    for position, allocation in enumerate(allocations):
        last = position == len(allocations) - 1
        part = remaining if last else quantize(weight * allocation.quantity_lb / line.quantity_lb)
        remaining -= part
        if part > 0:
            plans.append(_Plan(index=index, line=line, facility=allocation.source_facility, quantity_lb=part))
    return plans


def _shelf_life(order: SalesOrder) -> int:
    days = order.min_shelf_life_days if order.min_shelf_life_days is not None else order.customer.min_shelf_life_days
    return days or 0


def _check_named_shelf_life(plan: _Plan, *, order: SalesOrder, arrival: date, min_use_by: date) -> None:
    days = _shelf_life(order)
    for position, (lot, _) in enumerate(plan.lots):
        if lot.use_by_date is None or lot.use_by_date >= min_use_by:
            continue
        left = (lot.use_by_date - arrival).days
        need = f"; {order.customer.code} requires {days}" if days else ""
        raise ShelfLifeTooShort(
            f"Lot {lot.code} (use-by {lot.use_by_date.isoformat()}) would reach {order.customer.code} on "
            f"{arrival.isoformat()} with {max(left, 0)} day{'s' if left != 1 else ''} of shelf life left"
            + (need if left >= 0 else ", past its use-by")
            + ".",
            field=f"lines.{plan.index}.lots.{position}.lot",
            lot=lot.pk,
            lot_code=lot.code,
            use_by_date=lot.use_by_date.isoformat(),
            arrival_date=arrival.isoformat(),
            min_shelf_life_days=days,
            customer=order.customer_id,
        )


class WorkNotDone(Conflict):
    code = "work_not_done"


def _check_work_done(lines: list[SalesOrderLine]) -> None:
    """A line whose planned production or transfer is not completed/received cannot ship (409 naming it)."""
    pending = work_pending(source_type=RESERVATION_SOURCE, source_ids=[line.pk for line in lines])
    for index, line in enumerate(lines):
        if line.pk in pending:
            orders = pending[line.pk]
            names = ", ".join(f"{o['kind'].replace('_', ' ')} {o['number']} ({o['status']})" for o in orders)
            raise WorkNotDone(
                f"Line {line.line_no} relies on work not done yet: {names}.",
                field=f"lines.{index}", line=line.pk, orders=orders,
            )  # fmt: skip


@transaction.atomic
def sales_order_ship(*, order: SalesOrder, shipped: dict, ship_date: date | None = None, actor=None) -> SalesOrder:
    """Record catch weights per lot, move stock out of the allocated facilities, post COGS, release
    reservations. `shipped` maps line id to its weight (lots FEFO), to [(lot, lb)], or to a ShipLine."""
    order = order_lock(order)
    require_status(order, SalesOrderStatus.SHIPPED)
    ship_date = ship_date or timezone.localdate()
    shipped = _ship_lines(shipped)
    lines = list(order.lines.select_related("item", "facility").prefetch_related("allocations__source_facility"))
    weights = _check_catch_weights(lines, shipped)
    _check_work_done(lines)
    plans: list[_Plan] = []
    for index, line in enumerate(lines):
        ship = shipped[line.pk]
        plans += (
            _named_plans(index, line, ship) if ship.lots is not None else _fefo_plans(index, line, weights[line.pk])
        )
    # Lock every (facility, item) balance the shipment touches up front, in pk order: two shipments
    # sharing items then queue instead of deadlocking on a different line order.
    stock_balances_lock(pairs=[(plan.facility.pk, plan.line.item_id) for plan in plans])

    cost_by_facility: dict[int, Decimal] = {}
    days, rows = _shelf_life(order), []
    for plan in plans:
        arrival = max(plan.line.delivery_date, ship_date)
        min_use_by = arrival + timedelta(days=days)
        if plan.lots is not None:
            _check_named_shelf_life(plan, order=order, arrival=arrival, min_use_by=min_use_by)
        try:
            movements = stock_issue(
                facility=plan.facility, item=plan.line.item, kind=MovementKind.SHIPMENT, effective_date=ship_date,
                quantity_lb=plan.quantity_lb, lots=plan.lots, min_use_by=min_use_by,
                memo=f"{order.number} line {plan.line.line_no}", source_type="sales_order", source_id=order.pk,
            )  # fmt: skip
        except DomainError as exc:
            # Name the line: "lines.0.lots.1.quantity_lb", not the inventory call's own argument.
            exc.field = f"lines.{plan.index}.{exc.field}" if exc.field else f"lines.{plan.index}"
            exc.context.setdefault("line", plan.line.pk)
            if days:
                exc.context.setdefault("min_shelf_life_days", days)
            raise
        for movement in movements:
            cost_by_facility[plan.facility.pk] = cost_by_facility.get(plan.facility.pk, Decimal("0")) - movement.value
            rows.append(
                SalesOrderLineLot(
                    line=plan.line, lot=movement.lot, facility=plan.facility, shipped_lb=movement.quantity_lb,
                    movement=movement,
                )
            )  # fmt: skip
    SalesOrderLineLot.objects.bulk_create(rows)

    total = Decimal("0")
    for line in lines:
        line.shipped_lb = weights[line.pk]
        line.amount = quantize(line.shipped_lb * line.price_per_lb)
        line.save(update_fields=["shipped_lb", "amount", "updated_at"])
        total += line.amount
    _post_cogs(order=order, cost_by_facility=cost_by_facility, ship_date=ship_date, actor=actor)
    atp_release(source_type=RESERVATION_SOURCE, source_ids=[line.pk for line in lines])
    order.status = SalesOrderStatus.SHIPPED
    order.total = quantize(total)
    order.shipped_at = timezone.now()
    order.ship_date = ship_date
    order.save(update_fields=["status", "total", "shipped_at", "ship_date", "updated_at"])
    event_emit(event_type="sales_order.shipped", obj=order_payload(order))
    return order


def _post_cogs(*, order: SalesOrder, cost_by_facility: dict[int, Decimal], ship_date: date, actor) -> None:
    cogs_lines = []
    cogs, inventory = account_for_role("cost_of_goods_sold"), account_for_role("inventory")
    for facility_id, cost in sorted(cost_by_facility.items()):
        cost = quantize(cost)
        if cost > 0:
            memo = f"COGS {order.number}"
            cogs_lines += [
                {"account": cogs, "debit": cost, "memo": memo, "customer_id": order.customer_id,
                 "facility_id": facility_id},
                {"account": inventory, "credit": cost, "memo": memo, "facility_id": facility_id},
            ]  # fmt: skip
    if cogs_lines:
        journal_entry_post(
            entry_date=ship_date,
            memo=f"Shipment {order.number}",
            source="shipment",
            source_id=order.pk,
            lines=cogs_lines,
            actor=actor,
        )
