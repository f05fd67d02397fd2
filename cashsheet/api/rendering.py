"""How the API writes values, for payload functions that build dicts without a serializer.

These mirror DRF's rendering under our settings (COERCE_DECIMAL_TO_STRING, ISO 8601 with "Z" for UTC),
so an app's payload (webhook event, GET body) is byte-for-byte what a ModelSerializer would give.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cashsheet.api.fields import MONEY_PLACES, UNIT_PRICE_PLACES, WEIGHT_PLACES


def decimal_str(value: Decimal | None, places: int) -> str | None:
    """ "12.50" for Decimal("12.5") at 2 places; None stays None."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value).strip())  # as DRF does: a float's shortest repr, not its binary expansion
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


def money(value: Decimal | None) -> str | None:
    return decimal_str(value, MONEY_PLACES)


def weight(value: Decimal | None) -> str | None:
    return decimal_str(value, WEIGHT_PLACES)


def unit_price(value: Decimal | None) -> str | None:
    return decimal_str(value, UNIT_PRICE_PLACES)


def number(value: Decimal | float | None, places: int) -> float | None:
    """A JSON number (ATP's answers are numbers, not strings), rounded to `places`."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-places)))


def date_str(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def datetime_str(value: dt.datetime | None) -> str | None:
    """ISO 8601 in the current time zone (UTC), "+00:00" written "Z", as DRF's DateTimeField does."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
