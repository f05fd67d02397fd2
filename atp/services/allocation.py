"""Confirmation support: reserve a whole order through the ATP, all or nothing, and keep the plan it relies on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from atp import locks
from atp.engine import cache
from atp.engine.model import SolverFailure
from atp.engine.orders import Line, plan_lines, solve_lines
from atp.models import PlannedStep, PlanStepKind
from atp.services.common import (
    FULL_TOLERANCE_LB,
    known,
    lb_down,
    price,
    time_limit_s,
    unavailable,
    validate_date,
    validate_quantity,
    validate_shelf_life,
)
from cashsheet.api.exceptions import DomainError
from cashsheet.api.fields import quantize
from inventory import reservations
from inventory.models import Facility, Item


@dataclass(frozen=True)
class AllocationRequest:
    source_id: int
    facility: Facility
    item: Item
    quantity_lb: Decimal
    delivery_date: dt.date
    min_shelf_life_days: int | None = None  # the customer's: stock must keep until delivery + this many days


@dataclass
class PlanStep:
    """One piece of work a line's answer relies on (docs/operations.md)."""

    kind: str  # "cut" | "transfer"
    facility_id: int  # where the cut runs / the lane's source
    date: dt.date  # the cut's day / the ship date the LP chose
    pattern_id: int | None = None  # cut
    input_item_id: int | None = None  # cut: the pattern's input item
    input_lb: Decimal | None = None  # cut: input lb this line needs cut (its share)
    lane_id: int | None = None  # transfer
    item_id: int | None = None  # transfer: item moved
    lb: Decimal | None = None  # transfer: lb moved for this line
    output_item_id: int | None = None  # cut: the output this line consumes (its item or an intermediate)
    output_lb: Decimal | None = None


@dataclass
class Allocation:
    source_id: int
    source_facility: str
    sources: dict[str, Decimal]  # facility code -> lb reserved from it
    marginal_price_per_lb: Decimal | None
    reservation_ids: list[int]
    plan: list[PlanStep] = field(default_factory=list)


ALLOCATION_MIN_LIMIT_S = 1.0


class AtpShortage(DomainError):
    """Not every line can be met in full; nothing was reserved. `lines` carries each line's answer."""

    code = "atp_shortage"


def _split(sources: list[dict], quantity_lb: Decimal, default: str) -> dict[str, Decimal]:
    """Reserve the line's lb across its source facilities in proportion, to the cent-pound, summing exactly
    (all of it at `default`, the delivery facility, when the plan names no source)."""
    positive = [(s["facility_id"], s["lb"]) for s in sources if s["lb"] > 0] or [(default, 1.0)]
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


def _steps(today: dt.date, steps: list[dict]) -> list[PlanStep]:
    out = []
    for s in steps:
        when = today + dt.timedelta(days=s["day"])
        if s["kind"] == PlanStepKind.CUT:
            input_lb = quantize(Decimal(repr(s["input_lb"])))
            if input_lb <= 0:
                continue
            out.append(PlanStep(kind="cut", facility_id=s["facility_id"], date=when, pattern_id=s["pattern_id"],
                                input_item_id=s["input_item_id"], input_lb=input_lb,
                                output_item_id=s["output_item_id"],
                                output_lb=quantize(Decimal(repr(s["output_lb"])))))  # fmt: skip
        else:
            lb = quantize(Decimal(repr(s["lb"])))
            if lb > 0:
                out.append(PlanStep(kind="transfer", facility_id=s["facility_id"], date=when, lane_id=s["lane_id"],
                                    item_id=s["item_id"], lb=lb))  # fmt: skip
    return out


def atp_allocate(*, lines: list[AllocationRequest], source_type: str = "sales_order_line") -> list[Allocation]:
    """Re-check `lines` together against current stock, reservations and committed work and reserve them, all
    or nothing, with the plan (cuts and transfers) each line relies on.

    Call inside your transaction (it is atomic on its own too): locks the facilities and the items of the lines'
    LPs in pk order, so concurrent confirmations serialise. The whole order is one solve per LP; only when it
    falls short are the lines re-checked one by one, to say which fits. Raises AtpShortage (409) with per-line
    answers and reserves nothing if any line cannot be met in full; ServiceUnavailable (503) if the solver fails.
    """
    if not lines:
        return []
    for n, line in enumerate(lines):
        validate_quantity(line.quantity_lb, prefix=f"lines.{n}.")
        validate_shelf_life(line.min_shelf_life_days, field=f"lines.{n}.min_shelf_life_days")
    # A confirmation is a write under row locks, not a check's latency budget: a 503 there fails the whole
    # order, so its solves get at least 1 s (a loaded machine triples the demo's 50 ms warm solves).
    limit = max(time_limit_s(), ALLOCATION_MIN_LIMIT_S)
    try:
        with cache.session(lock_timeout_s=max(1.0, 10 * limit)) as session:
            for n, line in enumerate(lines):
                known(session, item=line.item, facility=line.facility, prefix=f"lines.{n}.")
                validate_date(session, facility=line.facility, delivery_date=line.delivery_date, prefix=f"lines.{n}.")
            items = set().union(*(session.component(line.item.id, line.facility.id).items for line in lines))
    except TimeoutError as exc:
        raise unavailable(exc) from exc
    with transaction.atomic():
        # Lock before reading: a competing allocation that committed first is then visible to the re-check.
        locks.facilities_items_lock(facility_ids=[line.facility.id for line in lines], item_ids=items)
        today, answers = _solve(lines, limit)
        if not all(a.served >= a.quantity - FULL_TOLERANCE_LB for a in answers):
            raise AtpShortage(
                "Not every line can be delivered in full; nothing was reserved.",
                lines=[
                    {
                        "source_id": line.source_id,
                        "requested_lb": line.quantity_lb,
                        "available_lb": line.quantity_lb
                        if a.served >= a.quantity - FULL_TOLERANCE_LB
                        else lb_down(a.served, line.quantity_lb),
                        "source_facility": a.sources[0]["facility_id"] if a.sources else None,
                        "marginal_price_per_lb": price(a.marginal),
                    }
                    for line, a in zip(lines, answers, strict=True)
                ],
            )
        return _reserve(lines, answers, today, source_type)


def _solve(lines: list[AllocationRequest], limit: float) -> tuple[dt.date, list[Line]]:
    """The whole order in one solve per LP; if anything is short, each line against the lines before it."""
    try:
        with cache.session(lock_timeout_s=max(1.0, 10 * limit)) as session:
            answers = [
                Line(
                    item=line.item.id,
                    facility=line.facility.id,
                    day=session.day(line.delivery_date),
                    quantity=float(line.quantity_lb),
                    keep_until=None
                    if not line.min_shelf_life_days
                    else session.day(line.delivery_date) + line.min_shelf_life_days,
                )
                for line in lines
            ]
            groups: dict[tuple, list[Line]] = {}
            for answer in answers:
                groups.setdefault(session.component(answer.item, answer.facility).key, []).append(answer)
            models = {
                key: session.model(group[0].item, group[0].facility, fresh=True, table=False)
                for key, group in groups.items()
            }
            if all(solve_lines(models[key], group, limit) for key, group in groups.items()):
                for key, group in groups.items():
                    plan_lines(models[key], group, limit)
                return session.today, answers
            _one_by_one(session, answers, limit)
            return session.today, answers
    except (SolverFailure, TimeoutError) as exc:
        raise unavailable(exc) from exc


def _one_by_one(session, answers: list[Line], limit: float) -> None:
    """Explain a shortfall: each line against stock minus every reservation and minus the lines before it that
    fit (the answer a sales rep can act on: which lines to move or cut)."""
    added = []
    # A refusal is not the hot path: a line short only of stock that keeps is found with a column of its own
    # (AtpModel.solve), which makes HiGHS refactorise; its solves have the allocation's room (1 s or more).
    try:
        for answer in answers:
            model = session.model(answer.item, answer.facility, table=False)
            solve = model.solve(answer.item, answer.facility, answer.day, answer.quantity, limit,
                                keep_until=answer.keep_until)  # fmt: skip
            answer.served, answer.marginal, answer.sources = solve.served, solve.marginal, solve.sources
            if solve.served >= answer.quantity - FULL_TOLERANCE_LB:
                model.demand_add(answer.item, answer.facility, answer.day, answer.quantity)
                added.append((model, answer))
    finally:
        # The reservations (if committed) reach the model through the watermark, like anyone's.
        for model, answer in reversed(added):
            model.demand_add(answer.item, answer.facility, answer.day, -answer.quantity)


def _reserve(lines: list[AllocationRequest], answers: list[Line], today: dt.date, source_type: str):
    splits = [_split(a.sources, line.quantity_lb, line.facility.code) for line, a in zip(lines, answers, strict=True)]
    codes = {code for split in splits for code in split}
    facilities = {f.code: f for f in Facility.objects.filter(code__in=codes)}
    allocations, steps = [], []
    for line, answer, split in zip(lines, answers, splits, strict=True):
        keep = None
        if line.min_shelf_life_days:
            keep = line.delivery_date + dt.timedelta(days=line.min_shelf_life_days)
        ids = [
            reservations.reservation_create(
                facility=facilities[code],
                delivery_facility=line.facility,
                item=line.item,
                delivery_date=line.delivery_date,
                quantity_lb=lb,
                source_type=source_type,
                source_id=line.source_id,
                min_use_by_date=keep,
            ).pk
            for code, lb in split.items()
        ]
        plan = _steps(today, answer.steps)
        steps += [
            PlannedStep(
                source_type=source_type,
                source_id=line.source_id,
                kind=s.kind,
                facility_id=s.facility_id,
                date=s.date,
                pattern_id=s.pattern_id,
                input_item_id=s.input_item_id,
                input_lb=s.input_lb,
                output_item_id=s.output_item_id,
                output_lb=s.output_lb,
                lane_id=s.lane_id,
                item_id=s.item_id,
                lb=s.lb,
            )  # fmt: skip
            for s in plan
        ]
        allocations.append(
            Allocation(
                source_id=line.source_id,
                source_facility=answer.sources[0]["facility_id"] if answer.sources else line.facility.code,
                sources=split,
                marginal_price_per_lb=price(answer.marginal),
                reservation_ids=ids,
                plan=plan,
            )
        )
    PlannedStep.objects.bulk_create(steps)
    return allocations


def atp_release(*, source_type: str, source_ids: list[int]) -> int:
    """Release the reservations (and the kept plan) of these sources: shipped or cancelled lines. Returns how
    many reservations were released."""
    PlannedStep.objects.filter(source_type=source_type, source_id__in=source_ids, released_at__isnull=True).update(
        released_at=timezone.now(), updated_at=timezone.now()
    )
    return reservations.reservation_release(source_type=source_type, source_ids=source_ids)
