"""ATP services: check (a simulation), allocate (reserve, inside the caller's transaction), release,
and LP planning runs. Other apps call these; the API is a thin layer over them."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from atp import locks
from atp.engine import cache
from atp.engine.model import AtpModel, SolverFailure
from atp.models import AtpCheck, AtpResultKind, LpRun, LpRunStatus
from cashsheet.api.exceptions import DomainError, InvalidInput, ServiceUnavailable
from cashsheet.api.fields import quantize
from cashsheet.api.tenancy import current_silo
from inventory import reservations
from inventory.models import Facility, Item

# A truckload is about 40,000 lb; a request a thousand times that is a typo, not an order.
MAX_QUANTITY_LB = Decimal("1000000.00")
FULL_TOLERANCE_LB = 0.005


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
    answered_from: str = "lp"  # "table" (tier 1 lookup) or "lp" (warm re-solve)
    check_id: uuid.UUID = field(default_factory=uuid.uuid4)
    source_facility_pk: int | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AllocationRequest:
    source_id: int
    facility: Facility
    item: Item
    quantity_lb: Decimal
    delivery_date: dt.date


@dataclass
class Allocation:
    source_id: int
    source_facility: str
    sources: dict[str, Decimal]  # facility code -> lb reserved from it
    marginal_price_per_lb: Decimal | None
    reservation_ids: list[int]


class AtpShortage(DomainError):
    """Not every line can be met in full; nothing was reserved. `lines` carries each line's answer."""

    code = "atp_shortage"


def _time_limit_s() -> float:
    return int(current_silo().atp_time_limit_ms) / 1000.0


def _validate(*, quantity_lb: Decimal, delivery_date: dt.date, prefix: str = "") -> int:
    """Return the delivery day index (0 = today) or raise InvalidInput naming the field."""
    if quantity_lb is None or quantity_lb <= 0:
        raise InvalidInput("quantity_lb must be greater than 0.", field=f"{prefix}quantity_lb")
    if quantity_lb > MAX_QUANTITY_LB:
        raise InvalidInput(f"quantity_lb must be at most {MAX_QUANTITY_LB} lb.", field=f"{prefix}quantity_lb")
    today = timezone.localdate()
    horizon = int(current_silo().atp_horizon_days)
    if delivery_date < today:
        raise InvalidInput("delivery_date is in the past.", field=f"{prefix}delivery_date")
    if delivery_date > today + dt.timedelta(days=horizon):
        raise InvalidInput(
            f"delivery_date is beyond the planning horizon ({horizon} days, until "
            f"{today + dt.timedelta(days=horizon)}).",
            field=f"{prefix}delivery_date",
        )
    return (delivery_date - today).days


def _known(session, *, item: Item, facility: Facility, prefix: str = "") -> None:
    """An inactive item or facility has no place in the LP: refuse it by name rather than fail inside."""
    item_ok, facility_ok = session.knows(item_id=item.id, facility_id=facility.id)
    if not item_ok:
        raise InvalidInput(f"Item {item.imps_code!r} is inactive or unknown.", field=f"{prefix}imps_code")
    if not facility_ok:
        raise InvalidInput(f"Facility {facility.code!r} is inactive or unknown.", field=f"{prefix}facility_id")


def _unavailable(exc: Exception) -> ServiceUnavailable:
    if isinstance(exc, SolverFailure) and exc.timed_out:
        return ServiceUnavailable(
            "The ATP solver did not finish within the time limit; retry shortly.", reason="time_limit"
        )
    if isinstance(exc, TimeoutError):
        return ServiceUnavailable("The ATP engine is busy; retry shortly.", reason="busy")
    return ServiceUnavailable(f"The ATP solver failed ({exc}); retry shortly.", reason="solver_failure")


def _lb(value: float, cap: Decimal) -> Decimal:
    # Round down: never promise a fraction of a cent-pound more than the plan serves.
    return min(cap, Decimal(repr(max(0.0, float(value) + 1e-6))).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


def _d(value: float, places: int = 2) -> Decimal:
    """A solver float (possibly numpy) as a Decimal, rounded once with the shared helper."""
    return quantize(Decimal(repr(float(value))), places)


def _price(value: float | None) -> Decimal | None:
    return None if value is None else _d(value, 4)


def _sources_out(sources: list[dict]) -> list[dict]:
    out = []
    for s in sources:
        out.append(
            {
                "facility_id": s["facility_id"],
                "lb": _d(s["lb"]),
                "on_hand_lb": _d(s["on_hand_lb"]),
                "cut": [
                    {
                        "pattern": c["pattern"],
                        "input_imps_code": c["input_imps_code"],
                        "input_lb": _d(c["input_lb"]),
                        "output_lb": _d(c["output_lb"]),
                    }
                    for c in s["cut"]
                ],
                "transfers": [{**t, "lb": _d(t["lb"]), "cost_per_lb": t["cost_per_lb"]} for t in s["transfers"]],
            }
        )
    return out


def _earliest_full(model: AtpModel, item: int, facility: int, day: int, quantity: float, limit: float) -> int | None:
    """First day the full quantity can be delivered. Feasibility only grows with the day (stock can be
    carried), so gallop forward from the requested day (1, 2, 4, ... days later: the answer is usually a lead
    time away) and then bisect the last step: about 2*log2(distance) solves, never more than 2*log2(horizon)."""

    def full(t: int) -> bool:
        if model.lookup(item, facility, t, quantity, detail=False) is not None:
            return True  # inside the price table's range: full, without a solve
        solve = model.solve(item, facility, t, quantity, limit, detail=False, price=False)
        return solve.served >= quantity - FULL_TOLERANCE_LB

    last = model.T - 1
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


def atp_check(*, facility: Facility, item: Item, quantity_lb: Decimal, delivery_date: dt.date) -> AtpResult:
    """How much of `quantity_lb` of `item` can be delivered at `facility` on `delivery_date`, from where, and
    what one more lb would cost. A simulation: reserves nothing. 503 (ServiceUnavailable) if the solver fails."""
    day = _validate(quantity_lb=quantity_lb, delivery_date=delivery_date)
    limit = _time_limit_s()
    quantity = float(quantity_lb)
    try:
        with cache.session(lock_timeout_s=max(1.0, 10 * limit)) as session:
            _known(session, item=item, facility=facility)
            model = session.model(item.id)
            # Tier 1 first (a basis solve inside the baseline's ranges), the warm re-solve otherwise.
            solve = model.lookup(item.id, facility.id, day, quantity) or model.solve(
                item.id, facility.id, day, quantity, limit
            )
            latency = solve.solve_ms
            earliest, alternatives = None, []
            if solve.served < quantity - FULL_TOLERANCE_LB:
                started = time.perf_counter()
                earliest_day = _earliest_full(model, item.id, facility.id, day, quantity, limit)
                earliest = None if earliest_day is None else session.today + dt.timedelta(days=earliest_day)
                for other in model.facilities:
                    if other == facility.id:
                        continue
                    # Probes: a partial alternative is not priced (one solve each, not two).
                    alt = model.lookup(item.id, other, day, quantity, detail=False) or model.solve(
                        item.id, other, day, quantity, limit, detail=False, price=False
                    )
                    alternatives.append(
                        {
                            "facility_id": model.fac_code[other],
                            "available_lb": _lb(alt.served, quantity_lb),
                            "marginal_price_per_lb": _price(alt.marginal),
                        }
                    )
                alternatives.sort(key=lambda a: -a["available_lb"])
                latency += (time.perf_counter() - started) * 1000
    except (SolverFailure, TimeoutError) as exc:
        raise _unavailable(exc) from exc
    if solve.served >= quantity - FULL_TOLERANCE_LB:
        result, available = AtpResultKind.FEASIBLE, quantity_lb
    elif solve.served < FULL_TOLERANCE_LB:
        result, available = AtpResultKind.INFEASIBLE, Decimal("0.00")
    else:
        result, available = AtpResultKind.PARTIAL, _lb(solve.served, quantity_lb)
    return AtpResult(
        result=result.value,
        facility_id=facility.code,
        imps_code=item.imps_code,
        quantity_lb=quantity_lb,
        delivery_date=delivery_date,
        available_lb=available,
        marginal_price_per_lb=_price(solve.marginal),
        source_facility=solve.sources[0]["facility_id"] if solve.sources else None,
        source_facility_pk=solve.sources[0]["facility_pk"] if solve.sources else None,
        solver_latency_ms=_d(latency),
        answered_from="table" if solve.from_table else "lp",
        sources=_sources_out(solve.sources),
        earliest_date_full=earliest,
        alternatives=alternatives,
    )


def _split(sources: list[dict], quantity_lb: Decimal) -> dict[str, Decimal]:
    """Reserve the line's lb across its source facilities in proportion, to the cent-pound, summing exactly."""
    positive = [(s["facility_id"], s["lb"]) for s in sources if s["lb"] > 0]
    total = sum(lb for _, lb in positive)
    shares: dict[str, Decimal] = {}
    for code, lb in positive:
        share = (quantity_lb * Decimal(repr(float(lb / total)))).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        if share > 0:
            shares[code] = share
    remainder = quantity_lb - sum(shares.values())
    if remainder:
        top = positive[0][0] if positive else None
        shares[top] = shares.get(top, Decimal("0.00")) + remainder
    return shares


def atp_allocate(*, lines: list[AllocationRequest], source_type: str = "sales_order_line") -> list[Allocation]:
    """Re-check `lines` together against current stock and reservations and reserve them, all or nothing.

    Call inside your transaction (it is atomic on its own too): locks the facilities and the items' families
    in pk order, so concurrent confirmations serialise. Raises AtpShortage (409) with per-line answers and
    reserves nothing if any line cannot be met in full; ServiceUnavailable (503) if the solver fails.
    """
    if not lines:
        return []
    for n, line in enumerate(lines):
        _validate(quantity_lb=line.quantity_lb, delivery_date=line.delivery_date, prefix=f"lines.{n}.")
    limit = _time_limit_s()
    try:
        with cache.session(lock_timeout_s=max(1.0, 10 * limit)) as session:
            for n, line in enumerate(lines):
                _known(session, item=line.item, facility=line.facility, prefix=f"lines.{n}.")
            family_items = set().union(*(session.family(line.item.id) for line in lines))
    except TimeoutError as exc:
        raise _unavailable(exc) from exc
    with transaction.atomic():
        # Lock before reading: a competing allocation that committed first is then visible to the re-check.
        locks.facilities_items_lock(facility_ids=[line.facility.id for line in lines], item_ids=family_items)
        answers = _allocate_check(lines, limit)
        failed = [a for a in answers if not a["full"]]
        if failed:
            raise AtpShortage(
                "Not every line can be delivered in full; nothing was reserved.",
                lines=[
                    {
                        "source_id": a["line"].source_id,
                        "requested_lb": a["line"].quantity_lb,
                        "available_lb": a["available_lb"],
                        "source_facility": a["source_facility"],
                        "marginal_price_per_lb": a["marginal_price_per_lb"],
                    }
                    for a in answers
                ],
            )
        facilities = {f.code: f for f in Facility.objects.filter(code__in={c for a in answers for c in a["split"]})}
        allocations = []
        for a in answers:
            line = a["line"]
            ids = [
                reservations.reservation_create(
                    facility=facilities[code],
                    delivery_facility=line.facility,
                    item=line.item,
                    delivery_date=line.delivery_date,
                    quantity_lb=lb,
                    source_type=source_type,
                    source_id=line.source_id,
                ).pk
                for code, lb in a["split"].items()
            ]
            allocations.append(
                Allocation(
                    source_id=line.source_id,
                    source_facility=a["source_facility"],
                    sources=a["split"],
                    marginal_price_per_lb=a["marginal_price_per_lb"],
                    reservation_ids=ids,
                )
            )
        return allocations


def _allocate_check(lines: list[AllocationRequest], limit: float) -> list[dict]:
    """Each line against stock minus every reservation and minus the lines before it that fit."""
    answers = []
    added: list[tuple[AtpModel, int, int, int, float]] = []
    try:
        with cache.session(lock_timeout_s=max(1.0, 10 * limit)) as session:
            try:
                for line in lines:
                    model = session.model(line.item.id, fresh=True, table=False)
                    day = (line.delivery_date - session.today).days
                    quantity = float(line.quantity_lb)
                    solve = model.solve(line.item.id, line.facility.id, day, quantity, limit)
                    full = solve.served >= quantity - FULL_TOLERANCE_LB
                    if full:
                        model.demand_add(line.item.id, line.facility.id, day, quantity)
                        added.append((model, line.item.id, line.facility.id, day, quantity))
                    answers.append(
                        {
                            "line": line,
                            "full": full,
                            "available_lb": line.quantity_lb if full else _lb(solve.served, line.quantity_lb),
                            "source_facility": solve.sources[0]["facility_id"] if solve.sources else None,
                            "marginal_price_per_lb": _price(solve.marginal),
                            "split": _split(solve.sources, line.quantity_lb) if full else {},
                        }
                    )
            finally:
                # The reservations (if committed) reach the model through the watermark, like anyone's.
                for model, item, fac, day, quantity in reversed(added):
                    model.demand_add(item, fac, day, -quantity)
    except (SolverFailure, TimeoutError) as exc:
        raise _unavailable(exc) from exc
    return answers


def atp_release(*, source_type: str, source_ids: list[int]) -> int:
    """Release the reservations of these sources (shipped or cancelled lines). Returns how many."""
    return reservations.reservation_release(source_type=source_type, source_ids=source_ids)


def atp_check_record(*, result: AtpResult, facility: Facility, item: Item, user=None) -> AtpCheck:
    """Store a check and emit `atp.checked`, in one transaction (run after the answer is sent)."""
    from atp.payloads import atp_check_payload
    from webhooks.services import event_emit

    answer = atp_check_payload(result)  # exactly the body the caller received
    with transaction.atomic():
        check = AtpCheck.objects.create(
            id=result.check_id,
            facility=facility,
            item=item,
            quantity_lb=result.quantity_lb,
            delivery_date=result.delivery_date,
            result=result.result,
            available_lb=result.available_lb,
            marginal_price_per_lb=result.marginal_price_per_lb,
            source_facility_id=result.source_facility_pk,
            solver_latency_ms=result.solver_latency_ms,
            answer=answer,
            requested_by=user if user is not None and user.is_authenticated else None,
        )
        event_emit(event_type="atp.checked", obj=answer)
    return check


def lp_run_start(*, user=None) -> LpRun:
    """Queue a planning run; the Celery task starts after this transaction commits."""
    from atp.tasks import lp_run_execute

    with transaction.atomic():
        run = LpRun.objects.create(
            horizon_days=current_silo().atp_horizon_days,
            status=LpRunStatus.QUEUED,
            requested_by=user if user is not None and user.is_authenticated else None,
        )
        transaction.on_commit(lambda: lp_run_execute.delay(run.pk))
    return run
