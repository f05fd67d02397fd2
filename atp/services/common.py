"""What checks and allocations share: limits, validation against the facility's own date, number rounding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_DOWN, Decimal

from atp.engine.model import SolverFailure
from cashsheet.api.exceptions import InvalidInput, ServiceUnavailable
from cashsheet.api.fields import quantize
from cashsheet.api.tenancy import current_silo

# A truckload is about 40,000 lb; a request a thousand times that is a typo, not an order.
MAX_QUANTITY_LB = Decimal("1000000.00")
FULL_TOLERANCE_LB = 0.005
MAX_SHELF_LIFE_DAYS = 3650


# Batch work (the demo seed, a data load) is not a sales rep's phone: a 503 there fails the whole batch.
_LIMIT_FLOOR_S: ContextVar[float] = ContextVar("atp_time_limit_floor_s", default=0.0)


@contextmanager
def atp_time_limit_floor(seconds: float) -> Iterator[None]:
    """Inside this block every ATP solve may run for at least `seconds` (the silo's limit still applies when
    it is longer). For batch callers only; requests keep the silo's limit."""
    token = _LIMIT_FLOOR_S.set(seconds)
    try:
        yield
    finally:
        _LIMIT_FLOOR_S.reset(token)


def time_limit_s() -> float:
    return max(int(current_silo().atp_time_limit_ms) / 1000.0, _LIMIT_FLOOR_S.get())


def validate_quantity(quantity_lb: Decimal, *, prefix: str = "") -> None:
    if quantity_lb is None or quantity_lb <= 0:
        raise InvalidInput("quantity_lb must be greater than 0.", field=f"{prefix}quantity_lb")
    if quantity_lb > MAX_QUANTITY_LB:
        raise InvalidInput(f"quantity_lb must be at most {MAX_QUANTITY_LB} lb.", field=f"{prefix}quantity_lb")


def validate_shelf_life(days: int | None, *, field: str) -> None:
    if days is not None and not 0 <= days <= MAX_SHELF_LIFE_DAYS:
        raise InvalidInput(f"{field} must be between 0 and {MAX_SHELF_LIFE_DAYS} days.", field=field)


def validate_date(session, *, facility, delivery_date: dt.date, prefix: str = "") -> int:
    """The delivery's day index in the engine (0 = its today), or InvalidInput naming the field.

    "In the past" and the horizon are the delivery facility's own calendar: at 20:08 in Chicago it is still
    that day at a Chicago plant, whatever the date in UTC.
    """
    today = session.local_today(facility.id)
    horizon = session.horizon
    if delivery_date < today:
        raise InvalidInput(
            f"delivery_date is in the past (today is {today} at {facility.code}).", field=f"{prefix}delivery_date"
        )
    if delivery_date > today + dt.timedelta(days=horizon):
        raise InvalidInput(
            f"delivery_date is beyond the planning horizon ({horizon} days, until "
            f"{today + dt.timedelta(days=horizon)}).",
            field=f"{prefix}delivery_date",
        )
    return session.day(delivery_date)


def known(session, *, item, facility, prefix: str = "") -> None:
    """An inactive item or facility has no place in the LP: refuse it by name rather than fail inside."""
    item_ok, facility_ok = session.knows(item_id=item.id, facility_id=facility.id)
    if not item_ok:
        raise InvalidInput(f"Item {item.imps_code!r} is inactive or unknown.", field=f"{prefix}imps_code")
    if not facility_ok:
        raise InvalidInput(f"Facility {facility.code!r} is inactive or unknown.", field=f"{prefix}facility_id")


def unavailable(exc: Exception) -> ServiceUnavailable:
    if isinstance(exc, SolverFailure) and exc.timed_out:
        return ServiceUnavailable(
            "The ATP solver did not finish within the time limit; retry shortly.", reason="time_limit"
        )
    if isinstance(exc, TimeoutError):
        return ServiceUnavailable("The ATP engine is busy; retry shortly.", reason="busy")
    return ServiceUnavailable(f"The ATP solver failed ({exc}); retry shortly.", reason="solver_failure")


def lb_down(value: float, cap: Decimal) -> Decimal:
    # Round down: never promise a fraction of a cent-pound more than the plan serves.
    return min(cap, Decimal(repr(max(0.0, float(value) + 1e-6))).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


def dec(value: float, places: int = 2) -> Decimal:
    """A solver float (possibly numpy) as a Decimal, rounded once with the shared helper."""
    return quantize(Decimal(repr(float(value))), places)


def price(value: float | None) -> Decimal | None:
    # A price is never negative: a dual of -1e-12 is 0, not "-0.0000".
    return None if value is None else abs(dec(value, 4)) if abs(value) < 5e-5 else dec(value, 4)


def sources_out(sources: list[dict]) -> list[dict]:
    out = []
    for s in sources:
        out.append(
            {
                "facility_id": s["facility_id"],
                "lb": dec(s["lb"]),
                "on_hand_lb": dec(s["on_hand_lb"]),
                "cut": [
                    {
                        "pattern": c["pattern"],
                        "input_imps_code": c["input_imps_code"],
                        "input_lb": dec(c["input_lb"]),
                        "output_lb": dec(c["output_lb"]),
                    }
                    for c in s["cut"]
                ],
                "transfers": [{**t, "lb": dec(t["lb"]), "cost_per_lb": t["cost_per_lb"]} for t in s["transfers"]],
            }
        )
    return out
