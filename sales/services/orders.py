"""The order-to-cash flow: create → confirm (ATP reserves) → ship (sales.services.shipping) → invoice.

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
from cashsheet.api.exceptions import InvalidInput, InvalidTransition
from cashsheet.api.fields import quantize
from cashsheet.api.services import ensure_unique
from inventory.models import Facility, Item
from ledger.services import account_for_role, invoice_create, invoice_post
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
    min_shelf_life_days: int | None = None,
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
        min_shelf_life_days=min_shelf_life_days,
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
