"""What production and transfer orders share: gapless numbers, positive quantities, and the state machine
(lock the row, check the transition against the model's table, stamp and save), so both kinds of order refuse
a transition with the same 409 shape and every plain transition is one locked UPDATE."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.utils import timezone

from cashsheet.api.exceptions import InvalidInput, InvalidTransition
from cashsheet.api.fields import quantize
from inventory.models import InventorySequence


def number_next(name: str, prefix: str) -> str:
    """Gapless per silo: the InventorySequence row stays locked until the caller's transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {InventorySequence._meta.db_table} AS s (name, value) VALUES (%s, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = s.value + 1 RETURNING value",
            [name],
        )
        return f"{prefix}-{cursor.fetchone()[0]:06d}"


def positive(value, field: str) -> Decimal:
    """A weight > 0 (quantized), else InvalidInput naming `field`."""
    try:
        value = quantize(Decimal(str(value)))
    except Exception:  # noqa: BLE001 - anything that is not a number
        raise InvalidInput("A number is required.", field=field) from None
    if value <= 0:
        raise InvalidInput("Must be greater than zero.", field=field)
    return value


def transition_require(order, target: str, *, transitions: dict, noun: str) -> None:
    """409 invalid_transition naming the order unless `transitions[order.status]` allows `target`."""
    allowed = transitions[order.status]
    if target not in allowed:
        raise InvalidTransition(
            f"{noun} {order.number} is {order.status}; it cannot become {target}.",
            field="status", current_status=order.status, allowed_next=[str(s) for s in allowed], number=order.number,
        )  # fmt: skip


def transition_stamp(order, target: str, *, transitions: dict, noun: str, stamp: str):
    """A transition with no side effect beyond the row (release, cancel): checked, stamped `stamp` = now, saved.
    The caller holds the order's row lock."""
    transition_require(order, target, transitions=transitions, noun=noun)
    order.status = target
    setattr(order, stamp, timezone.now())
    order.save(update_fields=["status", stamp, "updated_at"])
    return order
