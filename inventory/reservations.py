"""Reservations: stock promised to confirmed order lines. Owned by ATP's allocation (atp.services).

Callers run these inside their own transaction, after locking the facility and item rows (atp.locks),
so that the re-check and the reservation it justifies commit together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from inventory.models import Facility, Item, Reservation


def reservation_create(
    *,
    facility: Facility,
    delivery_facility: Facility,
    item: Item,
    delivery_date: dt.date,
    quantity_lb: Decimal,
    source_type: str,
    source_id: int,
    min_use_by_date: dt.date | None = None,
) -> Reservation:
    """Promise `quantity_lb` of `item` from `facility`, delivered at `delivery_facility` on `delivery_date`;
    with `min_use_by_date`, from stock that keeps at least until then (the customer's minimum shelf life)."""
    return Reservation.objects.create(
        facility=facility,
        delivery_facility=delivery_facility,
        item=item,
        delivery_date=delivery_date,
        quantity_lb=quantity_lb,
        source_type=source_type,
        source_id=source_id,
        min_use_by_date=min_use_by_date,
    )


def reservation_release(*, source_type: str, source_ids: Iterable[int]) -> int:
    """Release the active reservations of these sources (shipped or cancelled). Returns how many."""
    now = timezone.now()
    # updated_at moves too: ATP's cache watches it to know its commitments changed.
    return Reservation.objects.filter(
        source_type=source_type, source_id__in=list(source_ids), released_at__isnull=True
    ).update(released_at=now, updated_at=now)
