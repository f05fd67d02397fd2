"""PATCH {"status": ...} on a sales order: one entry point dispatching to each transition's service."""

from __future__ import annotations

from datetime import date

from cashsheet.api.exceptions import Conflict
from sales.models import SALES_ORDER_TRANSITIONS, SalesOrder, SalesOrderStatus
from sales.services.orders import _require_status, sales_order_cancel, sales_order_confirm, sales_order_invoice
from sales.services.shipping import sales_order_ship


def sales_order_transition(
    *,
    order: SalesOrder,
    status: str,
    shipped: dict | None = None,
    ship_date: date | None = None,
    actor=None,
) -> SalesOrder:
    """PATCH {"status": ...}: dispatch to the transition's service (`shipped` as sales_order_ship takes it)."""
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
