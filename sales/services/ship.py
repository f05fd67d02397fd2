"""Shipping a sales order: catch weights, stock out of the allocated facilities, COGS, reservations released.

The document, its stock movements, the COGS entry and the `sales_order.shipped` event commit together.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from atp.services import atp_release
from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.fields import quantize
from cashsheet.api.tenancy import current_silo
from inventory.locks import stock_balances_lock
from inventory.models import MovementKind
from inventory.services import stock_movement_post
from ledger.services import account_for_role, journal_entry_post
from sales.models import SalesOrder, SalesOrderAllocation, SalesOrderLine, SalesOrderStatus
from sales.services.common import RESERVATION_SOURCE, order_lock, order_payload, require_status
from webhooks.services import event_emit


def _check_catch_weights(lines: list[SalesOrderLine], shipped: dict[int, Decimal]) -> None:
    tolerance = (current_silo().catch_weight_tolerance_pct if current_silo() else Decimal("10")) / Decimal(100)
    known = {line.pk for line in lines}
    unknown = sorted(set(shipped) - known)
    if unknown:
        raise InvalidInput(f"Lines {unknown} are not lines of this order.", field="lines")
    missing = [line.line_no for line in lines if line.pk not in shipped]
    if missing:
        raise InvalidInput(f"Give shipped_lb for every line; missing line_no {missing}.", field="lines")
    for index, line in enumerate(lines):
        weight = shipped[line.pk]
        low, high = line.quantity_lb * (1 - tolerance), line.quantity_lb * (1 + tolerance)
        if weight <= 0 or not (low <= weight <= high):
            raise InvalidInput(
                f"Line {line.line_no}: shipped {weight} lb is outside ±{tolerance * 100:.0f}% of the ordered "
                f"{line.quantity_lb} lb ({quantize(low)}–{quantize(high)} lb).",
                field=f"lines.{index}.shipped_lb",
            )


@transaction.atomic
def sales_order_ship(
    *, order: SalesOrder, shipped: dict[int, Decimal], ship_date: date | None = None, actor=None
) -> SalesOrder:
    """Record catch weights, move stock out of the allocated facilities, post COGS, release reservations."""
    order = order_lock(order)
    require_status(order, SalesOrderStatus.SHIPPED)
    ship_date = ship_date or timezone.localdate()
    lines = list(order.lines.select_related("item", "facility").prefetch_related("allocations__source_facility"))
    _check_catch_weights(lines, shipped)
    # Lock every (facility, item) balance the shipment touches up front, in pk order: two shipments
    # sharing items then queue instead of deadlocking on a different line order.
    stock_balances_lock(
        pairs=[(a.source_facility_id, line.item_id) for line in lines for a in line.allocations.all()]
        + [(line.facility_id, line.item_id) for line in lines if not line.allocations.all()]
    )

    cost_by_facility: dict[int, Decimal] = {}
    total = Decimal("0")
    for line in lines:
        weight = quantize(shipped[line.pk])
        allocations = list(line.allocations.all()) or [
            SalesOrderAllocation(source_facility=line.facility, quantity_lb=line.quantity_lb)
        ]
        # Split the catch weight across the sources in proportion to what each was allocated.
        remaining = weight
        for position, allocation in enumerate(allocations):
            part = (
                remaining
                if position == len(allocations) - 1
                else quantize(weight * allocation.quantity_lb / line.quantity_lb)
            )
            remaining -= part
            if part <= 0:
                continue
            movement = stock_movement_post(
                facility=allocation.source_facility,
                item=line.item,
                kind=MovementKind.SHIPMENT,
                quantity_lb=part,
                effective_date=ship_date,
                memo=f"{order.number} line {line.line_no}",
                source_type="sales_order",
                source_id=order.pk,
            )
            facility_id = allocation.source_facility.pk
            cost_by_facility[facility_id] = cost_by_facility.get(facility_id, Decimal("0")) - movement.value
        line.shipped_lb = weight
        line.amount = quantize(weight * line.price_per_lb)
        line.save(update_fields=["shipped_lb", "amount", "updated_at"])
        total += line.amount

    cogs_lines = []
    cogs, inventory = account_for_role("cost_of_goods_sold"), account_for_role("inventory")
    for facility_id, cost in sorted(cost_by_facility.items()):
        cost = quantize(cost)
        if cost > 0:
            memo = f"COGS {order.number}"
            cogs_lines += [
                {
                    "account": cogs,
                    "debit": cost,
                    "memo": memo,
                    "customer_id": order.customer_id,
                    "facility_id": facility_id,
                },
                {"account": inventory, "credit": cost, "memo": memo, "facility_id": facility_id},
            ]
    if cogs_lines:
        journal_entry_post(
            entry_date=ship_date,
            memo=f"Shipment {order.number}",
            source="shipment",
            source_id=order.pk,
            lines=cogs_lines,
            actor=actor,
        )
    atp_release(source_type=RESERVATION_SOURCE, source_ids=[line.pk for line in lines])
    order.status = SalesOrderStatus.SHIPPED
    order.total = quantize(total)
    order.shipped_at = timezone.now()
    order.ship_date = ship_date
    order.save(update_fields=["status", "total", "shipped_at", "ship_date", "updated_at"])
    event_emit(event_type="sales_order.shipped", obj=order_payload(order))
    return order
