"""Reads for inventory: querysets with their joins applied, and stock on hand from the kept tables.

On-hand is never summed from movement history at read time: it is the closing of the latest
StockDay row on or before the date (one index lookup on (facility, item, date)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from cashsheet.api.exceptions import InvalidInput
from inventory.models import (
    CuttingPattern,
    CuttingPatternOutput,
    Facility,
    Item,
    StockBalance,
    StockDay,
    StockMovement,
    TransferLane,
)

ZERO = Decimal("0.00")


def facility_list() -> QuerySet[Facility]:
    return Facility.objects.all()


def transfer_lane_list() -> QuerySet[TransferLane]:
    return TransferLane.objects.select_related("from_facility", "to_facility")


def transfer_lane_between(*, from_facility: Facility, to_facility: Facility) -> TransferLane:
    """The active lane from one facility to another, or InvalidInput naming `to_facility`."""
    lane = TransferLane.objects.filter(from_facility=from_facility, to_facility=to_facility).first()
    if lane is None:
        raise InvalidInput(f"No transfer lane from {from_facility.code} to {to_facility.code}.", field="to_facility")
    if not lane.active:
        raise InvalidInput(
            f"The lane from {from_facility.code} to {to_facility.code} is inactive.", field="to_facility"
        )
    lane.from_facility, lane.to_facility = from_facility, to_facility  # spare the two lookups
    return lane


def item_list() -> QuerySet[Item]:
    return Item.objects.all()


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


def stock_balance_list(*, as_of: date | None = None) -> QuerySet[StockBalance]:
    """One row per facility and item that has stock history on or before `as_of` (default today).

    Each balance row is annotated with `closing_lb`, `closing_value` and `last_movement_date` from
    its latest StockDay on or before the date: one index lookup per row on (facility, item, date),
    so filters on facility or item narrow the work instead of scanning every day row.
    """
    as_of = as_of or timezone.localdate()
    latest = StockDay.objects.filter(
        facility_id=OuterRef("facility_id"), item_id=OuterRef("item_id"), date__lte=as_of
    ).order_by("-date")[:1]
    return (
        StockBalance.objects.select_related("facility", "item")
        .annotate(
            closing_lb=Subquery(latest.values("closing_lb")),
            closing_value=Subquery(latest.values("closing_value")),
            last_movement_date=Subquery(latest.values("date")),
        )
        .filter(closing_lb__isnull=False)
    )


def stock_levels(
    *, as_of: date | None = None, facility_ids: list[int] | None = None, item_ids: list[int] | None = None
) -> dict[tuple[int, int], Decimal]:
    """On-hand lb by (facility_id, item_id) at the close of `as_of`, for many pairs in one query."""
    rows = stock_balance_list(as_of=as_of)
    if facility_ids is not None:
        rows = rows.filter(facility_id__in=facility_ids)
    if item_ids is not None:
        rows = rows.filter(item_id__in=item_ids)
    return {(f, i): lb for f, i, lb in rows.values_list("facility_id", "item_id", "closing_lb")}


def stock_days(*, facility: Facility | int, item: Item | int, start: date, end: date) -> list[tuple[date, Decimal]]:
    """Closing lb per day from `start` to `end` inclusive (every day, carried forward), for projections."""
    facility_id, item_id = getattr(facility, "pk", facility), getattr(item, "pk", item)
    opening = stock_on_hand(facility=facility_id, item=item_id, as_of=start)
    changes = dict(
        StockDay.objects.filter(facility_id=facility_id, item_id=item_id, date__gt=start, date__lte=end)
        .order_by("date")
        .values_list("date", "closing_lb")
    )
    out, closing, day = [], opening, start
    while day <= end:
        closing = changes.get(day, closing)
        out.append((day, closing))
        day += timedelta(days=1)
    return out


# --- For the ATP (docs/operations.md): the only way it reads lots and planned work ------------------------


def supply_by_expiry(*, item_ids: set[int], today: date) -> dict[tuple[int, int], list[tuple[date | None, Decimal]]]:
    """(facility_id, item_id) -> [(use_by_date, lb), ...] of stock on hand `today`, ascending use-by.

    Held lots and lots already expired (use_by_date < today) are left out; use_by_date None = does not expire.
    Until lots exist this is today's on-hand per pair (the closing of its latest StockDay on or before today),
    none of it expiring; the lots work replaces this body, not its signature.
    """
    latest = (
        StockDay.objects.filter(item_id__in=list(item_ids), date__lte=today)
        .order_by("facility_id", "item_id", "-date")
        .distinct("facility_id", "item_id")
        .values_list("facility_id", "item_id", "closing_lb")
    )
    return {(facility_id, item_id): [(None, closing)] for facility_id, item_id, closing in latest if closing > 0}


@dataclass(frozen=True)
class CommittedWork:
    """Planned and released work the ATP must treat as fixed flows (lower bounds on its cut and lane columns).

    cuts: (pattern_id, facility_id, day_date, input_lb); transfers: (lane_id, item_id, ship_date, lb).
    """

    cuts: list[tuple[int, int, date, Decimal]] = field(default_factory=list)
    transfers: list[tuple[int, int, date, Decimal]] = field(default_factory=list)


def committed_work(*, item_ids: set[int], today: date, end: date) -> CommittedWork:
    """Production and transfer orders not yet completed or shipped whose items are in `item_ids`, dated up to
    `end`; dates before `today` are reported as today (overdue work is still owed). Until work orders exist
    there is none; the work-orders change replaces this body, not its signature."""
    return CommittedWork()
