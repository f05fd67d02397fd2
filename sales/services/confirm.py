"""Confirming a sales order: ATP reserves every line, all or nothing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from atp.services import AllocationRequest, atp_allocate
from inventory.models import Facility
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
    event_emit(event_type="sales_order.confirmed", obj=order_payload(order))
    return order
