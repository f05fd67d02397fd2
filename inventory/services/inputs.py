"""Checks every stock service applies to its arguments: 400 naming the field, before anything is locked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.fields import quantize
from inventory.models import INBOUND_KINDS, MovementKind

MAX_WEIGHT = Decimal("9999999999.99")


def decimal_input(value, *, field: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise InvalidInput("A number is required.", field=field)
    try:
        # str() first: a float argument keeps the digits it prints, not its binary expansion.
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"'{value}' is not a number.", field=field) from exc
    if not result.is_finite():
        raise InvalidInput(f"'{value}' is not a finite number.", field=field)
    return result


def quantity_input(value, *, field: str = "quantity_lb") -> Decimal:
    quantity = quantize(decimal_input(value, field=field), 2)
    if quantity <= 0:
        raise InvalidInput(f"{field} must be greater than 0 (the kind gives the direction).", field=field)
    if quantity > MAX_WEIGHT:
        raise InvalidInput(f"{field} is too large.", field=field)
    return quantity


def unit_cost_input(value, *, field: str = "unit_cost_per_lb") -> Decimal | None:
    if value is None:
        return None
    cost = quantize(decimal_input(value, field=field), 4)
    if cost < 0:
        raise InvalidInput(f"{field} may not be negative.", field=field)
    return cost


def date_input(value, *, field: str = "effective_date", required: bool = True) -> date | None:
    if value is None and not required:
        return None
    if not isinstance(value, date):
        raise InvalidInput(f"{field} must be a date.", field=field)
    return value


def kind_and_direction(kind, direction) -> tuple[str, int]:
    if kind not in MovementKind.values:
        raise InvalidInput(f"Unknown kind '{kind}'; choose from {', '.join(MovementKind.values)}.", field="kind")
    if kind in (MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN):
        raise InvalidInput("Transfers post both legs together: use stock_transfer_post (a lane).", field="kind")
    if kind == MovementKind.ADJUSTMENT:
        if direction not in (1, -1):
            raise InvalidInput("An adjustment needs direction 1 (into stock) or -1 (out of stock).", field="direction")
        return kind, direction
    if direction is not None:
        raise InvalidInput("direction is only given for adjustments; the kind gives it.", field="direction")
    return kind, (1 if kind in INBOUND_KINDS else -1)
