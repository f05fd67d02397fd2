"""ATP checks: a simulation over the warm engine (nothing is reserved)."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from atp.engine import cache
from atp.engine.alternatives import can_supply, serve_each
from atp.engine.model import AtpModel, SolverFailure
from atp.models import AtpResultKind
from atp.services.common import (
    FULL_TOLERANCE_LB,
    dec,
    known,
    lb_down,
    price,
    sources_out,
    time_limit_s,
    unavailable,
    validate_date,
    validate_quantity,
    validate_shelf_life,
)
from inventory.models import Facility, Item


@dataclass
class AtpResult:
    result: str
    facility_id: str
    imps_code: str
    quantity_lb: Decimal
    delivery_date: dt.date
    available_lb: Decimal
    marginal_price_per_lb: Decimal | None
    source_facility: str | None
    solver_latency_ms: Decimal
    sources: list[dict] = field(default_factory=list)
    earliest_date_full: dt.date | None = None
    alternatives: list[dict] = field(default_factory=list)
    answered_from: str = "lp"  # "table" (tier 1 lookup) or "lp" (a warm re-solve)
    min_shelf_life_days: int | None = None
    check_id: uuid.UUID = field(default_factory=uuid.uuid4)
    source_facility_pk: int | None = field(default=None, repr=False)


def _full(model: AtpModel, item: int, facility: int, day: int, quantity: float, limit: float, keep) -> bool:
    if keep is None and model.lookup(item, facility, day, quantity, detail=False) is not None:
        return True  # inside the price table's range: full, without a solve
    solve = model.solve(
        item, facility, day, quantity, limit, detail=False, price=False, keep_until=keep, full_only=True
    )
    return solve.served >= quantity - FULL_TOLERANCE_LB


def _earliest_full(model, item, facility, day, quantity, limit, last, keep_days) -> int | None:
    """First day the full quantity can be delivered. Feasibility only grows with the day (stock can be
    carried), so gallop forward from the requested day (1, 2, 4, ... days later: the answer is usually a lead
    time away) and then bisect the last step: about 2*log2(distance) probes, each a table lookup when it can."""

    def full(t: int) -> bool:
        return _full(model, item, facility, t, quantity, limit, None if keep_days is None else t + keep_days)

    known_short, step = day, 1
    while True:
        probe = min(last, day + step)
        if probe <= known_short:
            return None
        if full(probe):
            break
        if probe == last:
            return None
        known_short, step = probe, step * 2
    lo, hi = known_short + 1, probe
    while lo < hi:
        mid = (lo + hi) // 2
        if full(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _alternatives(session, item: Item, facility: Facility, day: int, quantity_lb: Decimal, limit, keep_days):
    """Every other active facility with what it could deliver on the same date, from as few solves as it takes.

    Per LP: no stock anywhere in it means 0 for all its facilities, without a solve; a full answer inside the
    price table's range costs a lookup; the rest are tried together in one warm solve (atp.engine.alternatives),
    and only a facility that solve serves in part needs a solve of its own."""
    quantity = float(quantity_lb)
    answers: dict[int, tuple[float, float | None]] = {}
    by_model: dict[tuple, list[int]] = {}
    for other in session.state().network.facilities:
        if other.id == facility.id:
            continue
        answers[other.id] = (0.0, None)
        if session.offsets.get(other.id, 0) <= day <= session.offsets.get(other.id, 0) + session.horizon:
            by_model.setdefault(session.component(item.id, other.id).key, []).append(other.id)
    keep = None if keep_days is None else day + keep_days
    for members in by_model.values():
        model = session.model(item.id, members[0], table=False, aged_ok=True)
        if not can_supply(model, item.id):
            continue  # nothing of it can arrive anywhere in this LP: every facility of it answers 0
        answers.update(serve_each(model, item.id, members, day, quantity, limit, keep))
    codes = {f.id: f.code for f in session.state().network.facilities}
    out = [
        {"facility_id": codes[fac], "available_lb": lb_down(lb, quantity_lb) if lb > 0 else Decimal("0.00"),
         "marginal_price_per_lb": price(marginal)}
        for fac, (lb, marginal) in answers.items()
    ]  # fmt: skip
    out.sort(key=lambda a: -a["available_lb"])
    return out


def atp_check(
    *,
    facility: Facility,
    item: Item,
    quantity_lb: Decimal,
    delivery_date: dt.date,
    min_shelf_life_days: int | None = None,
) -> AtpResult:
    """How much of `quantity_lb` of `item` can be delivered at `facility` on `delivery_date`, from where, and
    what one more lb would cost. A simulation: reserves nothing. `min_shelf_life_days`: the customer's minimum
    remaining shelf life at delivery (stock must keep until delivery_date + that many days). 503
    (ServiceUnavailable) if the solver fails."""
    validate_quantity(quantity_lb)
    validate_shelf_life(min_shelf_life_days, field="min_shelf_life_days")
    limit = time_limit_s()
    quantity = float(quantity_lb)
    try:
        with cache.session(lock_timeout_s=max(1.0, 10 * limit)) as session:
            known(session, item=item, facility=facility)
            day = validate_date(session, facility=facility, delivery_date=delivery_date)
            keep = None if not min_shelf_life_days else day + min_shelf_life_days
            model = session.model(item.id, facility.id, table=False)
            # Tier 1 first (a basis solve inside the baseline's ranges), the warm re-solve otherwise. A customer's
            # shelf-life floor changes the rows the delivery enters, which the table does not know.
            solve = None if keep else model.lookup(item.id, facility.id, day, quantity)
            solve = solve or model.solve(item.id, facility.id, day, quantity, limit, keep_until=keep)
            latency = solve.solve_ms
            earliest, alternatives = None, []
            if solve.served < quantity - FULL_TOLERANCE_LB:
                started = time.perf_counter()
                last = min(model.T - 1, session.offsets.get(facility.id, 0) + session.horizon)
                earliest_day = None
                if can_supply(model, item.id):  # else none of it arrives in the LP, on any day
                    earliest_day = _earliest_full(
                        model, item.id, facility.id, day, quantity, limit, last, min_shelf_life_days or None
                    )
                earliest = None if earliest_day is None else session.today + dt.timedelta(days=earliest_day)
                alternatives = _alternatives(session, item, facility, day, quantity_lb, limit, min_shelf_life_days)
                latency += (time.perf_counter() - started) * 1000
    except (SolverFailure, TimeoutError) as exc:
        raise unavailable(exc) from exc
    if solve.served >= quantity - FULL_TOLERANCE_LB:
        result, available = AtpResultKind.FEASIBLE, quantity_lb
    elif solve.served < FULL_TOLERANCE_LB:
        result, available = AtpResultKind.INFEASIBLE, Decimal("0.00")
    else:
        result, available = AtpResultKind.PARTIAL, lb_down(solve.served, quantity_lb)
    return AtpResult(
        result=result.value,
        facility_id=facility.code,
        imps_code=item.imps_code,
        quantity_lb=quantity_lb,
        delivery_date=delivery_date,
        available_lb=available,
        marginal_price_per_lb=price(solve.marginal),
        source_facility=solve.sources[0]["facility_id"] if solve.sources else None,
        source_facility_pk=solve.sources[0]["facility_pk"] if solve.sources else None,
        solver_latency_ms=dec(latency),
        answered_from="table" if solve.from_table else "lp",
        sources=sources_out(solve.sources),
        earliest_date_full=earliest,
        alternatives=alternatives,
        min_shelf_life_days=min_shelf_life_days,
    )
