"""Reads for inventory: querysets with their joins applied, and stock on hand from the kept tables.

On-hand is never summed from movement history at read time: it is the closing of the latest
StockDay row on or before the date (one index lookup on (facility, item, date)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.fields import quantize
from cashsheet.api.filters import parse_id
from inventory.models import (
    CuttingPattern,
    CuttingPatternOutput,
    Facility,
    Item,
    Lot,
    LotBalance,
    LotDay,
    LotEdge,
    LotHold,
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
    return StockMovement.objects.select_related("facility", "item", "lot")


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


# --- Lots -----------------------------------------------------------------------------------------------


def _lot_closing(as_of: date) -> Subquery:
    """The closing lb of the outer LotBalance row's lot and facility at the close of `as_of`."""
    latest = LotDay.objects.filter(
        lot_id=OuterRef("lot_id"), facility_id=OuterRef("facility_id"), date__lte=as_of
    ).order_by("-date")
    return Subquery(latest.values("closing_lb")[:1])


def lot_list(*, as_of: date | None = None) -> QuerySet[Lot]:
    """Lots with item, home, vendor, holds and per-facility balances (`closing_lb` at the close of
    `as_of`, default today) prefetched: a fixed number of queries for any page."""
    as_of = as_of or timezone.localdate()
    balances = (
        LotBalance.objects.select_related("facility")
        .annotate(closing_lb=_lot_closing(as_of))
        .order_by("facility__code")
    )
    return Lot.objects.select_related("item", "facility", "vendor").prefetch_related(
        Prefetch("balances", queryset=balances),
        Prefetch("holds", queryset=LotHold.objects.order_by("-held_at", "-id")),
    )


def lot_find(*, ref: str, item: Item | None = None) -> Lot:
    """A lot by id, or by code (unique per item; across items only when one item has it). 400 otherwise."""
    ref = (ref or "").strip()
    lots = Lot.objects.select_related("item", "facility")
    if (lot_id := parse_id(ref)) is not None:
        found = lots.filter(pk=lot_id).first()
        if found is None:
            raise InvalidInput(f"No lot {ref}.", field="lot")
        return found
    matches = list(lots.filter(code__iexact=ref, **({"item": item} if item else {}))[:5])
    if not matches:
        raise InvalidInput(f"No lot with code '{ref}'.", field="lot")
    if len(matches) > 1:
        raise InvalidInput(
            f"Lot code '{ref}' is used by several items ({', '.join(m.item.imps_code for m in matches)}); give its id.",
            field="lot",
            lot_ids=[m.pk for m in matches],
        )
    return matches[0]


def lot_stock_list(*, as_of: date | None = None) -> QuerySet[LotBalance]:
    """Stock per lot and facility at the close of `as_of` (default today): rows with a closing > 0."""
    as_of = as_of or timezone.localdate()
    latest = LotDay.objects.filter(
        lot_id=OuterRef("lot_id"), facility_id=OuterRef("facility_id"), date__lte=as_of
    ).order_by("-date")[:1]
    return (
        LotBalance.objects.select_related("facility", "lot", "lot__item")
        .annotate(closing_lb=Subquery(latest.values("closing_lb")), last_movement_date=Subquery(latest.values("date")))
        .filter(closing_lb__gt=0)
    )


_LOT_VALUES_SQL = f"""
SELECT b.id, b.facility_id, l.item_id, COALESCE(d.closing_lb, 0), s.closing_lb, s.closing_value
FROM {LotBalance._meta.db_table} b
JOIN {Lot._meta.db_table} l ON l.id = b.lot_id
LEFT JOIN LATERAL (
  SELECT closing_lb FROM {LotDay._meta.db_table} x
  WHERE x.lot_id = b.lot_id AND x.facility_id = b.facility_id AND x.date <= %(d)s ORDER BY x.date DESC LIMIT 1
) d ON true
LEFT JOIN LATERAL (
  SELECT closing_lb, closing_value FROM {StockDay._meta.db_table} y
  WHERE y.facility_id = b.facility_id AND y.item_id = l.item_id AND y.date <= %(d)s ORDER BY y.date DESC LIMIT 1
) s ON true
WHERE (b.facility_id, l.item_id) IN (SELECT * FROM unnest(%(f)s::bigint[], %(i)s::bigint[]))
ORDER BY b.facility_id, l.item_id, l.use_by_date NULLS LAST, l.id
"""


def lot_values(*, rows: list[LotBalance], as_of: date | None = None) -> dict[int, Decimal]:
    """LotBalance id -> value at the close of `as_of`: the lot's lb at its pair's average cost that day.

    Lots of a pair are valued cumulatively (earliest use-by first), so the last takes the rounding
    remainder and a pair's lot values always sum to its StockDay value. One query for the page.
    """
    as_of = as_of or timezone.localdate()
    pairs = sorted({(row.facility_id, row.lot.item_id) for row in rows})
    if not pairs:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_LOT_VALUES_SQL, {"d": as_of, "f": [f for f, _ in pairs], "i": [i for _, i in pairs]})
        fetched = cursor.fetchall()
    values, cumulative, previous = {}, {}, {}
    for balance_id, facility_id, item_id, lb, pair_lb, pair_value in fetched:
        if not pair_lb:
            values[balance_id] = ZERO
            continue
        pair = (facility_id, item_id)
        before = cumulative.get(pair, ZERO)
        cumulative[pair] = before + lb
        upto = quantize(pair_value * cumulative[pair] / pair_lb)
        values[balance_id] = upto - previous.get(pair, ZERO)
        previous[pair] = upto
    return values


_SUPPLY_SQL = f"""
WITH candidates AS (
  SELECT lot_id, facility_id FROM {LotBalance._meta.db_table} WHERE on_hand_lb > 0
  UNION
  SELECT lot_id, facility_id FROM {LotDay._meta.db_table} WHERE date > %(t)s
)
SELECT c.facility_id, l.item_id, l.use_by_date, SUM(d.closing_lb),
  SUM(LEAST(d.closing_lb, GREATEST(COALESCE(e.closing_lb, d.closing_lb), 0)))
FROM candidates c
JOIN {Lot._meta.db_table} l ON l.id = c.lot_id
JOIN LATERAL (
  SELECT closing_lb FROM {LotDay._meta.db_table} x
  WHERE x.lot_id = c.lot_id AND x.facility_id = c.facility_id AND x.date <= %(t)s ORDER BY x.date DESC LIMIT 1
) d ON true
LEFT JOIN LATERAL (
  SELECT closing_lb FROM {LotDay._meta.db_table} y
  WHERE y.lot_id = c.lot_id AND y.facility_id = c.facility_id AND y.date <= l.use_by_date
  ORDER BY y.date DESC LIMIT 1
) e ON l.use_by_date IS NOT NULL
WHERE l.item_id = ANY(%(i)s) AND NOT l.on_hold AND (l.use_by_date IS NULL OR l.use_by_date >= %(t)s)
  AND d.closing_lb > 0
GROUP BY c.facility_id, l.item_id, l.use_by_date
ORDER BY c.facility_id, l.item_id, l.use_by_date NULLS LAST
"""


class ExpiryBucket(NamedTuple):
    """On-hand lb of one use-by date at a facility. `expiring_lb`: the part of it still in its lots at the
    end of the use-by day, after the outflows already posted for those lots up to then (a write-off or
    shipment dated ahead); those outflows are scheduled changes too, and counting their lb as expiring as
    well would take them off twice."""

    use_by: date | None
    lb: Decimal
    expiring_lb: Decimal


def supply_by_expiry(*, item_ids: set[int], today: date) -> dict[tuple[int, int], list[ExpiryBucket]]:
    """(facility_id, item_id) -> [ExpiryBucket, ...] of stock on hand today (closing of `today`),
    ascending use-by (None = does not expire, last). Held lots and lots past their use-by are left out:
    the ATP never promises them. The only way the ATP reads lots."""
    if not item_ids:
        return {}
    out: dict[tuple[int, int], list[ExpiryBucket]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_SUPPLY_SQL, {"t": today, "i": sorted(item_ids)})
        for facility_id, item_id, use_by, lb, expiring in cursor.fetchall():
            out.setdefault((facility_id, item_id), []).append(ExpiryBucket(use_by, lb, expiring))
    return out


# --- Genealogy -----------------------------------------------------------------------------------------

# The lots reachable from a start set through LotEdge, each with its smallest distance: forward walks from
# inputs to what was made of them, backward from outputs to what went into them. UNION (not UNION ALL)
# drops repeated (lot, depth) pairs, and the depth bound stops the walk should a cycle ever be written.
# Callers embed it as the first CTE of their own statement: `WITH RECURSIVE <this>, ... SELECT ...`,
# binding %(start)s (bigint[]); `tree_lots(lot_id, depth)` is the result.
_TREE_CTE = f"""
tree(lot_id, depth) AS (
  SELECT unnest(%(start)s::bigint[]), 0
  UNION
  SELECT e.{{next}}, t.depth + 1 FROM {LotEdge._meta.db_table} e JOIN tree t ON e.{{this}} = t.lot_id
  WHERE t.depth < 64
),
tree_lots AS (SELECT lot_id, MIN(depth) AS depth FROM tree GROUP BY lot_id)
"""
GENEALOGY_CTE = {
    "forward": _TREE_CTE.format(next="child_id", this="parent_id"),
    "backward": _TREE_CTE.format(next="parent_id", this="child_id"),
}


def lot_genealogy(*, lot_ids: list[int], direction: str) -> dict[int, int]:
    """lot id -> distance from `lot_ids` (0 for themselves), following production forward or backward."""
    sql = f"WITH RECURSIVE {GENEALOGY_CTE[direction]} SELECT lot_id, depth FROM tree_lots"
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": list(lot_ids)})
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class CommittedWork:
    """Planned and released work the ATP must treat as fixed flows (lower bounds on its cut and lane columns).

    cuts: (pattern_id, facility_id, day_date, input_lb); transfers: (lane_id, item_id, ship_date, lb).
    """

    cuts: list[tuple[int, int, date, Decimal]] = field(default_factory=list)
    transfers: list[tuple[int, int, date, Decimal]] = field(default_factory=list)


def committed_work(*, item_ids: set[int], today: date, end: date) -> CommittedWork:
    """Planned and released production orders (their planned input lb) and planned transfer orders, touching
    `item_ids` (a pattern's input or outputs; a transfer's item), dated up to `end`; dates before `today` are
    reported as today (overdue work is still owed). Completed production and shipped transfers are stock
    movements already and are not here.

    The demand the work was planned for is not netted here: its reservation is the ATP's demand, and the work
    is the flow that serves it, so the LP nets the two. The work's output beyond what is reserved is what a
    later order may be promised; what is reserved is already taken (docs/operations.md)."""
    from inventory.models import ProductionOrder, ProductionStatus, TransferOrder, TransferStatus

    items = list(item_ids)
    patterns = CuttingPattern.objects.filter(Q(input_item_id__in=items) | Q(outputs__item_id__in=items)).values("pk")
    cuts = [
        (pattern_id, facility_id, max(day, today), lb)
        for pattern_id, facility_id, day, lb in ProductionOrder.objects.filter(
            status__in=[ProductionStatus.PLANNED, ProductionStatus.RELEASED],
            pattern_id__in=Subquery(patterns),
            production_date__lte=end,
        )
        .order_by("production_date", "id")
        .values_list("pattern_id", "facility_id", "production_date", "planned_input_lb")
    ]
    transfers = [
        (lane_id, item_id, max(day, today), lb)
        for lane_id, item_id, day, lb in TransferOrder.objects.filter(
            status=TransferStatus.PLANNED, item_id__in=items, ship_date__lte=end
        )
        .order_by("ship_date", "id")
        .values_list("lane_id", "item_id", "ship_date", "quantity_lb")
    ]
    return CommittedWork(cuts=cuts, transfers=transfers)


def work_pending(*, source_type: str, source_ids: list[int]) -> dict[int, list[dict]]:
    """source_id -> the work its demands rely on that is not done yet (production not completed, transfer
    not received): [{"kind", "order", "number", "status"}]. Shipping such a demand is refused (409)."""
    from inventory.models import ProductionStatus, TransferStatus, WorkDemand

    rows = (
        WorkDemand.objects.filter(source_type=source_type, source_id__in=source_ids, released_at=None)
        .select_related("production_order", "transfer_order")
        .order_by("id")
    )
    out: dict[int, list[dict]] = {}
    for demand in rows:
        order = demand.production_order or demand.transfer_order
        done = ProductionStatus.COMPLETED if demand.production_order_id else TransferStatus.RECEIVED
        if order.status != done:
            kind = "production_order" if demand.production_order_id else "transfer_order"
            out.setdefault(demand.source_id, []).append(
                {"kind": kind, "order": order.pk, "number": order.number, "status": order.status}
            )
    return out
