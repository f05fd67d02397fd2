"""The order-to-cash flow: create → confirm (ATP reserves) → ship (catch weights, stock, COGS) → invoice.

Every transition runs in one transaction with the order row locked: the document, its reservations,
stock movements, journal entries and outbox events commit together or not at all. Creating, editing,
cancelling and the PATCH dispatcher live here; confirm, ship and invoice have a module each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from atp.services import AtpShortage, atp_release
from cashsheet.api.exceptions import Conflict, InvalidInput, InvalidTransition
from cashsheet.api.fields import quantize
from cashsheet.api.services import ensure_unique
from inventory.models import Facility, Item
from operations.services.planning import work_release
from parties.models import Customer
from sales.models import SALES_ORDER_TRANSITIONS, SalesOrder, SalesOrderLine, SalesOrderSequence, SalesOrderStatus
from sales.services.common import RESERVATION_SOURCE, order_lock, order_payload, require_status
from sales.services.confirm import sales_order_confirm, without_ids
from sales.services.invoice import sales_order_invoice
from sales.services.ship import sales_order_ship
from webhooks.services import event_emit


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
    event_emit(event_type="sales_order.created", obj=order_payload(order))
    if status == SalesOrderStatus.CONFIRMED:
        try:
            order = sales_order_confirm(order=order, actor=actor)
        except AtpShortage as exc:
            # The refusal rolls this order and its lines back: name them by position, not by ids that will
            # not exist.
            raise without_ids(exc) from exc
    return order


@transaction.atomic
def sales_order_update(*, order: SalesOrder, lines: list[LineInput] | None = None, **fields) -> SalesOrder:
    """Edit a draft: header fields and, when given, the whole set of lines."""
    order = order_lock(order)
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


# --- cancel and the PATCH dispatcher ----------------------------------------------------------------------


@transaction.atomic
def sales_order_cancel(*, order: SalesOrder, actor=None) -> SalesOrder:
    order = order_lock(order)
    require_status(order, SalesOrderStatus.CANCELLED)
    if order.status == SalesOrderStatus.CONFIRMED:
        line_ids = list(order.lines.values_list("pk", flat=True))
        atp_release(source_type=RESERVATION_SOURCE, source_ids=line_ids)
        work_release(source_type=RESERVATION_SOURCE, source_ids=line_ids)  # planned orders nobody else needs
    order.status = SalesOrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    order.save(update_fields=["status", "cancelled_at", "updated_at"])
    return order


def sales_order_transition(
    *,
    order: SalesOrder,
    status: str,
    shipped: dict | None = None,
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
    require_status(order, status)  # raises: draft is never a target
    return order
