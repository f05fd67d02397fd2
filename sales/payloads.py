"""Sales orders as plain dicts: the webhook events' `data.object` and the API's GET body (one shape).

`SalesOrderSerializer` renders through these, so a receiver of `sales_order.confirmed` gets exactly
what GET /sales-orders/{id}/ returns. Children are read from the prefetched relations
(selectors.sales_order_list) unless given, which lets the event-type examples build an order in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from cashsheet.api.rendering import date_str, datetime_str, money, unit_price, weight
from sales.models import SALES_ORDER_TRANSITIONS, SalesOrder, SalesOrderAllocation, SalesOrderLine, SalesOrderLineLot


def sales_order_allocation_payload(allocation: SalesOrderAllocation) -> dict:
    return {
        "source_facility": allocation.source_facility_id,
        "source_facility_code": allocation.source_facility.code,
        "quantity_lb": weight(allocation.quantity_lb),
    }


def sales_order_line_lot_payload(taken: SalesOrderLineLot) -> dict:
    return {
        "lot": taken.lot_id,
        "lot_code": taken.lot.code,
        "use_by_date": date_str(taken.lot.use_by_date),
        "facility": taken.facility_id,
        "facility_code": taken.facility.code,
        "shipped_lb": weight(taken.shipped_lb),
        "movement": taken.movement_id,
    }


def sales_order_line_payload(
    line: SalesOrderLine,
    *,
    allocations: Iterable[SalesOrderAllocation] | None = None,
    lots: Iterable[SalesOrderLineLot] | None = None,
) -> dict:
    allocations = line.allocations.all() if allocations is None else allocations
    lots = line.lots.all() if lots is None else lots
    return {
        "id": line.pk,
        "line_no": line.line_no,
        "item": line.item_id,
        "imps_code": line.item.imps_code,
        "quantity_lb": weight(line.quantity_lb),
        "price_per_lb": unit_price(line.price_per_lb),
        "delivery_date": date_str(line.delivery_date),
        "facility": line.facility_id,
        "facility_code": line.facility.code,
        "shipped_lb": weight(line.shipped_lb),
        "amount": money(line.amount),
        "source_facility": line.source_facility_id,
        "source_facility_code": line.source_facility.code if line.source_facility_id else None,
        "marginal_price_per_lb": unit_price(line.marginal_price_per_lb),
        "allocations": [sales_order_allocation_payload(a) for a in allocations],
        "lots": [sales_order_line_lot_payload(taken) for taken in lots],
        # The production and transfer orders the line's ATP answer relies on (read with the line: the selector).
        "plan": _plan(line),
    }


def _plan(line: SalesOrderLine) -> list[dict]:
    plan = getattr(line, "plan_json", None)
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan or []


def sales_order_payload(order: SalesOrder, *, lines: list[dict] | None = None) -> dict:
    """The order with its lines; `lines` (already rendered) spares reading `order.lines`."""
    if lines is None:
        lines = [sales_order_line_payload(line) for line in order.lines.all()]
    return {
        "id": order.pk,
        "number": order.number,
        "customer": order.customer_id,
        "customer_code": order.customer.code,
        "external_ref": order.external_ref,
        "order_date": date_str(order.order_date),
        "delivery_date": date_str(order.delivery_date),
        "facility": order.facility_id,
        "facility_code": order.facility.code,
        "status": order.status,
        "allowed_next": list(SALES_ORDER_TRANSITIONS[order.status]),
        "memo": order.memo,
        "min_shelf_life_days": order.min_shelf_life_days,
        "total": money(order.total),
        "invoice": order.invoice_id,
        "lines": lines,
        "confirmed_at": datetime_str(order.confirmed_at),
        "shipped_at": datetime_str(order.shipped_at),
        "ship_date": date_str(order.ship_date),
        "cancelled_at": datetime_str(order.cancelled_at),
        "created_at": datetime_str(order.created_at),
        "updated_at": datetime_str(order.updated_at),
    }
