"""What the sales order services share: the row lock, the lifecycle check, the event payload."""

from __future__ import annotations

from cashsheet.api.exceptions import InvalidTransition
from sales.models import SALES_ORDER_TRANSITIONS, SalesOrder
from sales.payloads import sales_order_payload
from sales.selectors import sales_order_list

# ATP reservations of a confirmed order are keyed by its line ids under this source type.
RESERVATION_SOURCE = "sales_order_line"


def order_lock(order: SalesOrder) -> SalesOrder:
    """The order row, locked until the caller's transaction ends: transitions of one order queue."""
    return SalesOrder.objects.select_for_update().get(pk=order.pk)


def order_payload(order: SalesOrder) -> dict:
    """The order as GET renders it, re-read with its lines and allocations: what webhook receivers get."""
    return sales_order_payload(sales_order_list().get(pk=order.pk))


def require_status(order: SalesOrder, target: str) -> None:
    """InvalidTransition (409) naming the current status and the allowed next ones, unless `target` is allowed."""
    allowed = SALES_ORDER_TRANSITIONS[order.status]
    if target not in allowed:
        raise InvalidTransition(
            f"A {order.status} sales order cannot become {target}.",
            field="status",
            current_status=order.status,
            allowed_next=list(allowed),
        )
