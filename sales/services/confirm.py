"""Confirming a sales order: ATP reserves every line, all or nothing; the work its answer relies on is planned."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from atp.services import AllocationRequest, AtpShortage, atp_allocate
from inventory.models import Facility
from operations.services.planning import work_orders_from_plan
from sales.models import SalesOrder, SalesOrderAllocation, SalesOrderStatus
from sales.services.common import RESERVATION_SOURCE, order_lock, order_payload, require_status
from webhooks.services import event_emit


@transaction.atomic
def sales_order_confirm(*, order: SalesOrder, actor=None) -> SalesOrder:
    """Reserve every line through ATP, all or nothing; a shortfall is a 409 with per-line ATP results."""
    order = order_lock(order)
    require_status(order, SalesOrderStatus.CONFIRMED)
    lines = list(order.lines.select_related("item", "facility"))
    # The shelf life the shipment will demand (sales.services.ship): promise only stock that keeps that long.
    days = order.min_shelf_life_days if order.min_shelf_life_days is not None else order.customer.min_shelf_life_days
    try:
        allocations = atp_allocate(
            lines=[
                AllocationRequest(
                    source_id=line.pk,
                    facility=line.facility,
                    item=line.item,
                    quantity_lb=line.quantity_lb,
                    delivery_date=line.delivery_date,
                    min_shelf_life_days=days or None,
                )
                for line in lines
            ],
            source_type=RESERVATION_SOURCE,
        )
    except AtpShortage as exc:
        raise _shortage(exc, lines) from exc
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
    # The cuts and transfers the answer relies on become planned work orders, linked to their lines.
    for line, allocation in zip(lines, allocations, strict=True):
        if allocation.plan:
            work_orders_from_plan(plan=allocation.plan, source_type=RESERVATION_SOURCE, source_id=line.pk)
    order.status = SalesOrderStatus.CONFIRMED
    order.confirmed_at = timezone.now()
    order.save(update_fields=["status", "confirmed_at", "updated_at"])
    event_emit(event_type="sales_order.confirmed", obj=order_payload(order))
    return order


def _shortage(exc: AtpShortage, lines: list) -> AtpShortage:
    """The API's 409: each line by position (`line`) and id, and an `errors` entry for each short line.

    The order's own words for ATP's answer: ATP names lines by the reservation source id it was given; here
    they are the order's lines, so an order created and confirmed in one POST can drop the ids
    (`without_ids`) when its transaction rolls back and they no longer exist.
    """
    answers, errors = [], []
    for n, (line, answer) in enumerate(zip(lines, exc.context.get("lines", []), strict=True)):
        requested, available = answer["requested_lb"], answer["available_lb"]
        answers.append(
            {
                "line": n,
                "id": line.pk,
                "requested_lb": requested,
                "available_lb": available,
                "source_facility": answer["source_facility"],
                "marginal_price_per_lb": answer["marginal_price_per_lb"],
            }
        )
        if available < requested:
            message = f"{available} lb of {requested} lb can be delivered by {line.delivery_date}."
            errors.append({"field": f"lines.{n}.quantity_lb", "code": "atp_shortage", "message": message})
    return AtpShortage(exc.detail, lines=answers, errors=errors)


def without_ids(exc: AtpShortage) -> AtpShortage:
    """The same refusal for lines that were rolled back with their order: positions only, no ids."""
    lines = [{k: v for k, v in line.items() if k != "id"} for line in exc.context.get("lines", [])]
    return AtpShortage(exc.detail, lines=lines, errors=exc.context.get("errors", []))
