"""The order-to-cash flow: create → confirm (ATP reserves) → ship (catch weights, stock, COGS) → invoice.

Every transition runs in one transaction with the order row locked: the document, its reservations,
stock movements, journal entries and outbox events commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from atp.services import AllocationRequest, atp_allocate, atp_release
from cashsheet.api.exceptions import Conflict, InvalidInput, InvalidTransition
from cashsheet.api.fields import quantize
from cashsheet.api.services import ensure_unique
from cashsheet.api.tenancy import current_silo
from inventory.locks import stock_balances_lock
from inventory.models import Facility, Item, MovementKind
from inventory.services import stock_movement_post
from ledger.services import account_for_role, invoice_create, invoice_post, journal_entry_post
from sales.models import (
    SALES_ORDER_TRANSITIONS,
    Customer,
    SalesOrder,
    SalesOrderAllocation,
    SalesOrderLine,
    SalesOrderSequence,
    SalesOrderStatus,
)
from webhooks.services import event_emit

RESERVATION_SOURCE = "sales_order_line"


@dataclass(frozen=True)
class LineInput:
    item: Item
    quantity_lb: Decimal
    price_per_lb: Decimal | None = None
    delivery_date: date | None = None
    facility: Facility | None = None


# --- helpers ------------------------------------------------------------------------------------------


def _next_number() -> str:
    """Gapless per-silo numbering: the sequence row stays locked until the order's transaction ends."""
    # The row is created by a migration (so every silo, cloned from the template, has it).
    SalesOrderSequence.objects.filter(pk="sales_order").update(value=F("value") + 1)
    value = SalesOrderSequence.objects.values_list("value", flat=True).get(pk="sales_order")
    return f"SO-{value:06d}"


def _lock(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.select_for_update().get(pk=order.pk)


def _payload(order: SalesOrder) -> dict:
    """The order as the API renders it: webhook receivers get exactly what a GET would return."""
    from sales.api.order_serializers import SalesOrderSerializer
    from sales.selectors import sales_order_list

    return dict(SalesOrderSerializer(sales_order_list().get(pk=order.pk)).data)


def _require_status(order: SalesOrder, target: str) -> None:
    allowed = SALES_ORDER_TRANSITIONS[order.status]
    if target not in allowed:
        raise InvalidTransition(
            f"A {order.status} sales order cannot become {target}.",
            field="status",
            current_status=order.status,
            allowed_next=list(allowed),
        )


def _write_lines(order: SalesOrder, lines: list[LineInput]) -> None:
    if not lines:
        raise InvalidInput("A sales order needs at least one line.", field="lines")
    order.lines.all().delete()
    rows = []
    for number, line in enumerate(lines, start=1):
        price = line.price_per_lb if line.price_per_lb is not None else line.item.list_price_per_lb
        rows.append(
            SalesOrderLine(
                order=order,
                line_no=number,
                item=line.item,
                quantity_lb=quantize(line.quantity_lb),
                price_per_lb=price,
                delivery_date=line.delivery_date or order.delivery_date,
                facility=line.facility or order.facility,
                amount=quantize(line.quantity_lb * price),
            )
        )
    SalesOrderLine.objects.bulk_create(rows)
    order.total = quantize(sum((r.amount for r in rows), Decimal("0")))


# --- create and edit ------------------------------------------------------------------------------------


@transaction.atomic
def sales_order_create(
    *,
    customer: Customer,
    facility: Facility,
    delivery_date: date,
    lines: list[LineInput],
    order_date: date | None = None,
    external_ref: str | None = None,
    memo: str = "",
    status: str = SalesOrderStatus.DRAFT,
    actor=None,
) -> SalesOrder:
    """Create an order (draft, or confirmed at once when `status="confirmed"`).

    A second POST with an existing `external_ref` is a 409 carrying the existing order's id, so a
    portal's retry never duplicates an order.
    """
    ensure_unique(
        SalesOrder.objects.filter(external_ref=external_ref),
        field="external_ref",
        value=external_ref,
        label="sales order",
    )
    if status not in (SalesOrderStatus.DRAFT, SalesOrderStatus.CONFIRMED):
        raise InvalidInput("A new sales order is draft or confirmed.", field="status")
    if not customer.active:
        raise InvalidInput(f"Customer {customer.code} is inactive.", field="customer")
    order = SalesOrder.objects.create(
        number=_next_number(),
        customer=customer,
        external_ref=external_ref,
        facility=facility,
        order_date=order_date or timezone.localdate(),
        delivery_date=delivery_date,
        memo=memo,
    )
    _write_lines(order, lines)
    order.save(update_fields=["total", "updated_at"])
    event_emit(event_type="sales_order.created", obj=_payload(order))
    if status == SalesOrderStatus.CONFIRMED:
        order = sales_order_confirm(order=order, actor=actor)
    return order


@transaction.atomic
def sales_order_update(*, order: SalesOrder, lines: list[LineInput] | None = None, **fields) -> SalesOrder:
    """Edit a draft: header fields and, when given, the whole set of lines."""
    order = _lock(order)
    if order.status != SalesOrderStatus.DRAFT:
        raise InvalidTransition(
            f"Only a draft sales order can be edited; this one is {order.status}.",
            current_status=order.status,
            allowed_next=list(SALES_ORDER_TRANSITIONS[order.status]),
        )
    if "external_ref" in fields:
        ensure_unique(
            SalesOrder.objects.filter(external_ref=fields["external_ref"]),
            field="external_ref",
            value=fields["external_ref"],
            label="sales order",
            exclude=order,
        )
    for name, value in fields.items():
        setattr(order, name, value)
    if lines is not None:
        _write_lines(order, lines)
    order.save()
    return order


# --- transitions ------------------------------------------------------------------------------------------


@transaction.atomic
def sales_order_confirm(*, order: SalesOrder, actor=None) -> SalesOrder:
    """Reserve every line through ATP, all or nothing; a shortfall is a 409 with per-line ATP results."""
    order = _lock(order)
    _require_status(order, SalesOrderStatus.CONFIRMED)
    lines = list(order.lines.select_related("item", "facility"))
    allocations = atp_allocate(
        lines=[
            AllocationRequest(
                source_id=line.pk,
                facility=line.facility,
                item=line.item,
                quantity_lb=line.quantity_lb,
                delivery_date=line.delivery_date,
            )
            for line in lines
        ],
        source_type=RESERVATION_SOURCE,
    )
    # ATP answers in facility codes (as its API does); resolve them once.
    codes = {code for allocation in allocations for code in allocation.sources}
    facilities = {f.code: f for f in Facility.objects.filter(code__in=codes)}
    rows = []
    for line, allocation in zip(lines, allocations, strict=True):
        line.source_facility = facilities.get(allocation.source_facility)
        line.marginal_price_per_lb = allocation.marginal_price_per_lb
        line.save(update_fields=["source_facility", "marginal_price_per_lb", "updated_at"])
        rows += [
            SalesOrderAllocation(line=line, source_facility=facilities[code], quantity_lb=lb)
            for code, lb in allocation.sources.items()
            if lb > 0
        ]
    SalesOrderAllocation.objects.bulk_create(rows)
    order.status = SalesOrderStatus.CONFIRMED
    order.confirmed_at = timezone.now()
    order.save(update_fields=["status", "confirmed_at", "updated_at"])
    event_emit(event_type="sales_order.confirmed", obj=_payload(order))
    return order


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
    order = _lock(order)
    _require_status(order, SalesOrderStatus.SHIPPED)
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
    event_emit(event_type="sales_order.shipped", obj=_payload(order))
    return order


@transaction.atomic
def sales_order_invoice(*, order: SalesOrder, invoice_date: date | None = None, actor=None) -> SalesOrder:
    """Invoice the shipped weights at the order's prices; the invoice is posted and linked both ways."""
    order = _lock(order)
    _require_status(order, SalesOrderStatus.INVOICED)
    revenue = account_for_role("sales_revenue")
    lines = [
        {
            "item": line.item,
            "description": f"{line.item.imps_code} {line.item.description}",
            "quantity_lb": line.shipped_lb,
            "price_per_lb": line.price_per_lb,
            "account": revenue,
        }
        for line in order.lines.select_related("item").order_by("line_no")
    ]
    invoice = invoice_create(
        customer=order.customer,
        invoice_date=invoice_date or timezone.localdate(),
        lines=lines,
        sales_order_id=order.pk,
        actor=actor,
    )
    invoice = invoice_post(invoice=invoice, actor=actor)
    order.invoice = invoice
    order.status = SalesOrderStatus.INVOICED
    order.save(update_fields=["invoice", "status", "updated_at"])
    return order


@transaction.atomic
def sales_order_cancel(*, order: SalesOrder, actor=None) -> SalesOrder:
    order = _lock(order)
    _require_status(order, SalesOrderStatus.CANCELLED)
    if order.status == SalesOrderStatus.CONFIRMED:
        atp_release(source_type=RESERVATION_SOURCE, source_ids=list(order.lines.values_list("pk", flat=True)))
    order.status = SalesOrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    order.save(update_fields=["status", "cancelled_at", "updated_at"])
    return order


def sales_order_transition(
    *,
    order: SalesOrder,
    status: str,
    shipped: dict[int, Decimal] | None = None,
    ship_date: date | None = None,
    actor=None,
) -> SalesOrder:
    """PATCH {"status": ...}: dispatch to the transition's service."""
    if status == order.status:
        raise Conflict(
            f"The sales order is already {status}.",
            field="status",
            current_status=order.status,
            allowed_next=list(SALES_ORDER_TRANSITIONS[order.status]),
        )
    if status == SalesOrderStatus.CONFIRMED:
        return sales_order_confirm(order=order, actor=actor)
    if status == SalesOrderStatus.SHIPPED:
        return sales_order_ship(order=order, shipped=shipped or {}, ship_date=ship_date, actor=actor)
    if status == SalesOrderStatus.INVOICED:
        return sales_order_invoice(order=order, actor=actor)
    if status == SalesOrderStatus.CANCELLED:
        return sales_order_cancel(order=order, actor=actor)
    _require_status(order, status)  # raises: draft is never a target
    return order
