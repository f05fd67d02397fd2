"""Reads for ATP. ATP reads inventory's tables directly (it never writes them, and imports no inventory service).

The engine works on plain tuples, not model instances: loading the network for a silo is a handful of
queries, and the cheap `watermarks()` query tells the per-process model cache when to reload.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch, Q

from atp.models import AtpCheck, LpRun, PlannedStep
from cashsheet.api.filters import parse_id
from inventory import selectors as inventory_selectors
from inventory.models import (
    CuttingPattern,
    CuttingPatternOutput,
    Facility,
    Item,
    Process,
    ProductionOrder,
    Reservation,
    StockBalance,
    StockDay,
    StockMovement,
    TransferLane,
    TransferOrder,
)
from parties.models import Customer


@dataclass(frozen=True)
class FacilityRow:
    id: int
    code: str
    can_break: bool
    breaking_capacity_lb: Decimal
    fabrication_capacity_lb: Decimal
    timezone: str = "America/Chicago"

    def capacity(self, process: str) -> Decimal:
        return self.breaking_capacity_lb if process == Process.BREAKING else self.fabrication_capacity_lb


@dataclass(frozen=True)
class ItemRow:
    id: int
    imps_code: str
    list_price_per_lb: Decimal
    category: str


@dataclass(frozen=True)
class LaneRow:
    id: int
    from_id: int
    to_id: int
    lead_time_days: int
    cost_per_lb: Decimal


@dataclass(frozen=True)
class PatternRow:
    id: int
    code: str
    input_id: int
    processing_cost_per_lb: Decimal
    outputs: tuple[tuple[int, Decimal], ...]
    facility_ids: frozenset[int]
    process: str = Process.FABRICATION
    lead_time_days: int = 0


@dataclass
class Network:
    """The silo's structure: what can be made where and moved how. Stock and commitments are separate."""

    facilities: list[FacilityRow]
    items: dict[int, ItemRow]
    lanes: list[LaneRow]
    patterns: list[PatternRow]


@dataclass
class Position:
    """Stock and commitments for some items over days 0..days-1 (day 0 = the engine's today).

    supply[(facility_id, item_id, day)]: lb arriving that day (day 0: usable on hand today, held and expired
    lots left out; later days: the change of the scheduled closing balance, e.g. transfers in transit,
    negative for scheduled outflows).
    dated[(facility_id, item_id)]: [(use_by_day, lb)] of the on-hand lb that expire inside the horizon.
    demand[(facility_id, item_id, day)]: lb of active reservations to deliver there that day.
    keep_until[(facility_id, item_id, day, min_use_by_day)]: of those, lb whose customer needs stock that keeps
    until `min_use_by_day` (its minimum shelf life).
    cuts[(pattern_id, facility_id, day)] / moves[(lane_id, item_id, day)]: committed work (fixed flows).
    """

    supply: dict[tuple[int, int, int], float] = field(default_factory=dict)
    dated: dict[tuple[int, int], list[tuple[int, float]]] = field(default_factory=dict)
    demand: dict[tuple[int, int, int], float] = field(default_factory=dict)
    keep_until: dict[tuple[int, int, int, int], float] = field(default_factory=dict)
    cuts: dict[tuple[int, int, int], float] = field(default_factory=dict)
    moves: dict[tuple[int, int, int], float] = field(default_factory=dict)


def network_load() -> Network:
    facilities = [
        FacilityRow(f.id, f.code, f.can_break, f.breaking_capacity_lb, f.fabrication_capacity_lb, f.timezone)
        for f in Facility.objects.filter(active=True).order_by("id")
    ]
    active_ids = {f.id for f in facilities}
    items = {
        i.id: ItemRow(i.id, i.imps_code, i.list_price_per_lb, i.category)
        for i in Item.objects.filter(active=True).order_by("id")
    }
    lanes = [
        LaneRow(lane.id, lane.from_facility_id, lane.to_facility_id, lane.lead_time_days, lane.cost_per_lb)
        for lane in TransferLane.objects.filter(active=True).order_by("id")
        if lane.from_facility_id in active_ids and lane.to_facility_id in active_ids
    ]
    outputs: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for pattern_id, item_id, yield_fraction in CuttingPatternOutput.objects.order_by(
        "pattern_id", "item_id"
    ).values_list("pattern_id", "item_id", "yield_fraction"):
        if item_id in items:
            outputs[pattern_id].append((item_id, yield_fraction))
    through = CuttingPattern.facilities.through
    pattern_facilities: dict[int, set[int]] = defaultdict(set)
    for pattern_id, facility_id in through.objects.values_list("cuttingpattern_id", "facility_id"):
        if facility_id in active_ids:
            pattern_facilities[pattern_id].add(facility_id)
    patterns = [
        PatternRow(p.id, p.code, p.input_item_id, p.processing_cost_per_lb, tuple(outputs[p.id]),
                   frozenset(pattern_facilities[p.id]), p.process, p.lead_time_days)
        for p in CuttingPattern.objects.filter(active=True).order_by("id")
        if p.input_item_id in items and outputs[p.id]
    ]  # fmt: skip
    return Network(facilities=facilities, items=items, lanes=lanes, patterns=patterns)


def position_load(*, item_ids: set[int], today: dt.date, days: int) -> Position:
    """Usable stock, scheduled changes, active reservations and committed work of `item_ids`, days 0..days-1."""
    end = today + dt.timedelta(days=days - 1)
    position = Position()
    items = list(item_ids)
    for (facility_id, item_id), lots in inventory_selectors.supply_by_expiry(item_ids=item_ids, today=today).items():
        total = 0.0
        for use_by, lb, expiring in lots:
            total += float(lb)
            # Stock usable on the last modelled day is as good as stock that keeps: only earlier use-bys bind.
            # Only what is still in the lots at their use-by expires; outflows before it are scheduled changes.
            if use_by is not None and use_by < end and expiring > 0:
                position.dated.setdefault((facility_id, item_id), []).append(((use_by - today).days, float(expiring)))
        if total:
            position.supply[(facility_id, item_id, 0)] = total
    # Later rows are scheduled changes (transfers in transit, receipts and outflows already posted), measured
    # from today's closing balance.
    base: dict[tuple[int, int], float] = {
        (facility_id, item_id): float(closing)
        for facility_id, item_id, closing in StockDay.objects.filter(item_id__in=items, date__lte=today)
        .order_by("facility_id", "item_id", "-date")
        .distinct("facility_id", "item_id")
        .values_list("facility_id", "item_id", "closing_lb")
    }
    future = (
        StockDay.objects.filter(item_id__in=items, date__gt=today, date__lte=end)
        .order_by("facility_id", "item_id", "date")
        .values_list("facility_id", "item_id", "date", "closing_lb")
    )
    for facility_id, item_id, date, closing in future:
        previous = base.get((facility_id, item_id), 0.0)
        change = float(closing) - previous
        base[(facility_id, item_id)] = float(closing)
        if change:
            key = (facility_id, item_id, (date - today).days)
            position.supply[key] = position.supply.get(key, 0.0) + change
    reservations = Reservation.objects.filter(
        item_id__in=items, released_at__isnull=True, delivery_date__lte=end
    ).values_list("delivery_facility_id", "item_id", "delivery_date", "quantity_lb", "min_use_by_date")
    for facility_id, item_id, date, quantity, min_use_by in reservations:
        # A reservation dated in the past that is not yet shipped is still owed: serve it today.
        day = max(0, (date - today).days)
        key = (facility_id, item_id, day)
        position.demand[key] = position.demand.get(key, 0.0) + float(quantity)
        if min_use_by is not None and (min_use_by - today).days > day:
            keep = (facility_id, item_id, day, (min_use_by - today).days)
            position.keep_until[keep] = position.keep_until.get(keep, 0.0) + float(quantity)
    work = inventory_selectors.committed_work(item_ids=item_ids, today=today, end=end)
    if work.cuts or work.transfers:
        _committed_apply(position, work, today=today, days=days)
    return position


def _committed_apply(position: Position, work, *, today: dt.date, days: int) -> None:
    """Committed work as fixed flows, each capped at the input it can still have: the stock (usable today,
    scheduled changes) and the outputs of earlier committed work, on its day and every later one.

    A fixed cut or transfer is a lower bound the LP must meet; without its input (written off, shipped, put on
    hold after it was planned) the LP would have no solution and every check of the component would fail. What
    cannot be met is left out, so the ATP promises only work that stock backs."""
    patterns = {
        p.pk: p
        for p in CuttingPattern.objects.filter(pk__in={c[0] for c in work.cuts}).prefetch_related(
            Prefetch("outputs", queryset=CuttingPatternOutput.objects.order_by("item_id"))
        )
    }
    lanes = {lane.pk: lane for lane in TransferLane.objects.filter(pk__in={t[0] for t in work.transfers})}
    flows: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0] * days)
    for (facility_id, item_id, day), lb in position.supply.items():
        if day < days:
            flows[(facility_id, item_id)][day] += lb
    steps = [
        (max(0, (d - today).days), 0, pattern_id, facility_id, float(lb))
        for pattern_id, facility_id, d, lb in work.cuts
    ]
    steps += [(max(0, (d - today).days), 1, lane_id, item_id, float(lb)) for lane_id, item_id, d, lb in work.transfers]
    for day, kind, ref, other, lb in sorted(steps):
        if day >= days:
            continue
        if kind == 0:
            pattern = patterns.get(ref)
            if pattern is None:
                continue
            source = (other, pattern.input_item_id)
        else:
            lane = lanes.get(ref)
            if lane is None:
                continue
            source = (lane.from_facility_id, other)
        flow = flows[source]
        running, floor = 0.0, None
        for d in range(days):
            running += flow[d]
            if d >= day:
                floor = running if floor is None else min(floor, running)
        lb = max(0.0, min(lb, floor or 0.0))
        if lb < 0.005:
            continue
        flow[day] -= lb
        if kind == 0:
            arrive = day + pattern.lead_time_days
            for output in pattern.outputs.all():
                if arrive < days:
                    flows[(other, output.item_id)][arrive] += lb * float(output.yield_fraction)
            key = (ref, other, day)
            position.cuts[key] = position.cuts.get(key, 0.0) + lb
        else:
            arrive = day + lane.lead_time_days
            if arrive < days:
                flows[(lane.to_facility_id, other)][arrive] += lb
            key = (ref, other, day)
            position.moves[key] = position.moves.get(key, 0.0) + lb


def _table(model, schema: str) -> str:
    return f'"{schema}"."{model._meta.db_table}"'


def _wm_sql(schema: str) -> str:
    # Schema-qualified, so the text (and the prepared plan psycopg caches by text) belongs to one silo.
    f, i, lane, p = (_table(m, schema) for m in (Facility, Item, TransferLane, CuttingPattern))
    out, pf = _table(CuttingPatternOutput, schema), _table(CuttingPattern.facilities.through, schema)
    bal, day, mv, res = (_table(m, schema) for m in (StockBalance, StockDay, StockMovement, Reservation))
    po, to = _table(ProductionOrder, schema), _table(TransferOrder, schema)
    return f"""
        SELECT (SELECT max(updated_at)::text || count(*) FROM {f}),
               (SELECT max(updated_at)::text || count(*) FROM {i}),
               (SELECT max(updated_at)::text || count(*) FROM {lane}),
               (SELECT max(updated_at)::text || count(*) FROM {p}),
               (SELECT count(*)::text || coalesce(max(id), 0) || coalesce(sum(yield_fraction), 0) FROM {out}),
               (SELECT count(*)::text || coalesce(max(id), 0) FROM {pf}),
               (SELECT max(updated_at)::text FROM {bal}),
               (SELECT max(id) FROM {day}),
               (SELECT max(id) FROM {mv}),
               (SELECT max(updated_at)::text FROM {res}),
               (SELECT count(*)::text || '/' || coalesce(sum(quantity_lb), 0) FROM {res} WHERE released_at IS NULL),
               (SELECT max(updated_at)::text || count(*) FROM {po}),
               (SELECT max(updated_at)::text || count(*) FROM {to})
    """


def _targets_sql(schema: str) -> str:
    return f"""
        SELECT f.id, f.code, i.id, i.imps_code FROM (SELECT 1) AS one
        LEFT JOIN {_table(Facility, schema)} f ON f.code = upper(%s) AND f.active
        LEFT JOIN {_table(Item, schema)} i ON i.imps_code IN (%s, upper(%s)) AND i.active
        LIMIT 1
    """


_SQL: dict[tuple[str, str], str] = {}


def _prepared(kind: str, params: list | None = None) -> tuple:
    """Run one of the hot-path statements as a server-side prepared statement (planning the watermark query
    costs more than running it). psycopg keeps the plan per connection, keyed by the statement's text."""
    schema = connection.schema_name
    sql = _SQL.get((kind, schema))
    if sql is None:
        sql = _SQL[(kind, schema)] = (_wm_sql if kind == "wm" else _targets_sql)(schema)
    connection.ensure_connection()
    return connection.connection.execute(sql, params, prepare=True).fetchone()


def watermarks() -> tuple[tuple, tuple]:
    """(structure, position) change markers: one cheap query (max/count on indexed or small tables).

    Any change of facilities, items, lanes or patterns changes the first; any stock posting (StockBalance is
    touched by every movement, StockDay and StockMovement only grow), reservation change or work-order change
    (committed work: a planned order created, resized, released, completed or cancelled) changes the second.
    """
    row = _prepared("wm")
    return tuple(row[:6]), tuple(row[6:])


def check_targets(*, facility_code: str, imps_code: str) -> tuple[Facility | None, Item | None]:
    """The active facility and item a check names, in one round trip (the check's hot path).

    Returns light instances (id and code only), enough to pass to services and to point foreign keys at.
    """
    fid, fcode, iid, icode = _prepared("targets", [facility_code, imps_code, imps_code])
    facility = Facility.from_db("default", ["id", "code"], [fid, fcode]) if fid else None
    item = Item.from_db("default", ["id", "imps_code"], [iid, icode]) if iid else None
    return facility, item


def customer_by_id_or_code(raw: str) -> Customer | None:
    """The active customer a check names by id (ASCII digits) or code, else None."""
    pk = parse_id(raw)
    customers = Customer.objects.filter(active=True).only("id", "code", "min_shelf_life_days")
    return customers.filter(Q(code__iexact=raw.strip()) | Q(pk=pk) if pk else Q(code__iexact=raw.strip())).first()


def facility_by_code(code: str) -> Facility | None:
    return Facility.objects.filter(code=code.upper(), active=True).first()


def item_by_imps_code(imps_code: str) -> Item | None:
    return Item.objects.filter(Q(imps_code=imps_code) | Q(imps_code=imps_code.upper()), active=True).first()


def atp_check_list():
    return AtpCheck.objects.select_related("facility", "item", "source_facility")


def lp_run_list():
    return LpRun.objects.all()


def planned_step_list():
    return PlannedStep.objects.select_related(
        "facility", "pattern", "input_item", "output_item", "item", "lane__to_facility"
    )
