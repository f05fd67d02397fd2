"""Search, ordering and the filters every resource shares (updated_since for incremental sync)."""

import datetime as dt
import re

import django_filters
from django import forms
from rest_framework import filters

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
MAX_ID = 2**63 - 1  # PostgreSQL bigint


def parse_whole_number(raw) -> int | None:
    """`raw` as a non-negative integer if it is only ASCII digits, else None.

    str.isdigit() accepts "²" and other Unicode digits that int() refuses (a ValueError, i.e. a 500), and
    int() accepts Arabic-Indic digits nobody types in a URL: query parameters take 0-9 only.
    """
    if not isinstance(raw, str) or not _ASCII_DIGITS.fullmatch(raw.strip()):
        return None
    return int(raw.strip())


def parse_id(raw) -> int | None:
    """`raw` as a record id (ASCII digits within bigint range), else None: a code, or no such record."""
    value = parse_whole_number(raw)
    return value if value is not None and 0 < value <= MAX_ID else None


class SearchFilter(filters.SearchFilter):
    """`?search=` across the view's `search_fields`."""


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=` on the view's declared `ordering_fields` only; unknown fields answer 400."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            from rest_framework.exceptions import ValidationError

            fields = [p.strip() for p in params.split(",") if p.strip()]
            valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
            bad = [f for f in fields if f.lstrip("-") not in valid]
            if bad:
                raise ValidationError(
                    {"ordering": [f"Cannot order by {', '.join(bad)}; choose from {', '.join(sorted(valid))}."]}
                )
            # A unique tie-breaker keeps pages stable when the ordered field repeats.
            return [*fields, "-pk"] if "id" not in {f.lstrip("-") for f in fields} else fields
        return self.get_default_ordering(view)


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC here so the database never sees an offset it refuses
    (PostgreSQL rejects offsets beyond ±15:59 with an error, which would otherwise be a 500)."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Date-time out of range.", code="invalid") from None


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """Filters on date-times: ISO 8601 in, compared in UTC."""

    field_class = UtcIsoDateTimeField


class ResourceFilterSet(django_filters.FilterSet):
    """Base FilterSet: every resource can be synced incrementally with `?updated_since=`."""

    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    created_since = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
