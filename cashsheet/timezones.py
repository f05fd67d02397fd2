"""Facility-local dates. The server runs in UTC; "today" for a plant is the date on its own wall clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone

DEFAULT_TIMEZONE = "America/Chicago"


@lru_cache(maxsize=64)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    """Model-field validator: an IANA zone name such as America/Chicago."""
    if value not in _zones():
        raise ValidationError(f"'{value}' is not an IANA time zone, e.g. America/Chicago.")


@lru_cache(maxsize=256)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def local_date(zone_name: str | None, *, now: dt.datetime | None = None) -> dt.date:
    """The calendar date at this instant in `zone_name` (unknown or empty: the default zone)."""
    try:
        zone = _zone(zone_name or DEFAULT_TIMEZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = _zone(DEFAULT_TIMEZONE)
    return (now or timezone.now()).astimezone(zone).date()
