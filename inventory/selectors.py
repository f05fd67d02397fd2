"""Reads for inventory: querysets with their joins applied, and stock on hand from the kept tables.

On-hand is never summed from movement history at read time: it is the closing of the latest
StockDay row on or before the date (one index lookup on (facility, item, date)).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from inventory.models import (
    CuttingPattern,
    CuttingPatternOutput,
    Facility,
    Item,
    StockDay,
    StockMovement,
    TransferLane,
    Vendor,
)

ZERO = Decimal("0.00")


def facility_list() -> QuerySet[Facility]:
    return Facility.objects.all()


def transfer_lane_list() -> QuerySet[TransferLane]:
    return TransferLane.objects.select_related("from_facility", "to_facility")


def item_list() -> QuerySet[Item]:
    return Item.objects.all()


def vendor_list() -> QuerySet[Vendor]:
    return Vendor.objects.all()


def cutting_pattern_list() -> QuerySet[CuttingPattern]:
    return CuttingPattern.objects.select_related("input_item").prefetch_related(
        Prefetch("outputs", queryset=CuttingPatternOutput.objects.select_related("item")),
        Prefetch("facilities", queryset=Facility.objects.order_by("code")),
    )


def stock_movement_list() -> QuerySet[StockMovement]:
    return StockMovement.objects.select_related("facility", "item")


def stock_on_hand(*, facility: Facility | int, item: Item | int, as_of: date | None = None) -> Decimal:
    """On-hand lb of `item` at `facility` at the close of `as_of` (default: today in the server's zone)."""
    as_of = as_of or timezone.localdate()
    closing = (
        StockDay.objects.filter(
            facility_id=getattr(facility, "pk", facility), item_id=getattr(item, "pk", item), date__lte=as_of
        )
        .order_by("-date")
        .values_list("closing_lb", flat=True)
        .first()
    )
    return closing if closing is not None else ZERO


def stock_balance_list(*, as_of: date | None = None) -> QuerySet[StockDay]:
    """One row per facility and item that has ever moved: the closing on or before `as_of`.

    Rows carry `facility`, `item` (with imps_code), `closing_lb` and `closing_value`; DISTINCT ON
    picks each pair's latest day, served by the unique (facility, item, date) index.
    """
    as_of = as_of or timezone.localdate()
    latest = (
        StockDay.objects.filter(date__lte=as_of)
        .order_by("facility_id", "item_id", "-date")
        .distinct("facility_id", "item_id")
        .values("pk")
    )
    return StockDay.objects.filter(pk__in=latest).select_related("facility", "item")
