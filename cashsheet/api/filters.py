"""Search, ordering and the filters every resource shares (updated_since for incremental sync)."""

import copy
import datetime as dt
import re

import django_filters
from django import forms
from django.http import QueryDict
from django_filters.filters import FilterMethod
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

    def get_schema_operation_parameters(self, view):
        from cashsheet.api.openapi import ordering_description

        parameters = super().get_schema_operation_parameters(view)
        fields = list(getattr(view, "ordering_fields", None) or [])
        for parameter in parameters:
            parameter["description"] = ordering_description(fields, getattr(view, "ordering", None))
        return parameters

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
        if isinstance(value, str) and value.strip():
            from django.utils.dateparse import parse_datetime

            try:
                naive = parse_datetime(value.strip().replace(" ", "T", 1))
            except ValueError:
                naive = None
            if naive is not None and naive.tzinfo is None:
                # A time without its zone means a different instant per reader: refuse rather than guess.
                raise forms.ValidationError(
                    "Give the time zone: e.g. 2026-03-01T15:04:05.123456Z or 2026-03-01T10:04:05-05:00.",
                    code="naive_datetime",
                )
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


def _filter_copy(filter_):
    copied = copy.copy(filter_)
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        copied.filter = FilterMethod(copied)  # `method=` filters call the copy's parent FilterSet
    return copied


class ResourceFilterSet(django_filters.FilterSet):
    """Base FilterSet: every resource can be synced incrementally with `?updated_since=`.

    The form class that validates the query string is built once per FilterSet class (django-filter
    builds it, with every filter's form field, on each request: ~0.5 ms of a list request). Forms copy
    their class's fields per instance, so sharing the class is safe unless a filter's field depends on
    the request (a callable queryset) or a subclass changes its filters per instance in ``__init__``:
    those keep django-filter's per-request build.
    """

    updated_since = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Rows with updated_at at or after this instant (inclusive, to the microsecond). ISO 8601 with "
        "a time zone (`Z` or `±hh:mm`); a naive date-time is 400. Send the previous answer's "
        "`next_updated_since`; with `cursor`, rows come in commit order and none committed late is skipped.",
    )
    created_since = IsoDateTimeFilter(
        field_name="created_at",
        lookup_expr="gte",
        help_text="Rows created at or after this instant (inclusive). ISO 8601 with a time zone.",
    )

    _form_classes: dict = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's __init__, with a shallow copy of each filter instead of a deep copy of them all:
        # a filter's per-instance state (model, parent, its lazily built form field) is set on the copy.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _filter_copy(f) for name, f in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self):
        cls = type(self)
        form_class = ResourceFilterSet._form_classes.get(cls)
        if form_class is None:
            form_class = super().get_form_class()
            if self._form_class_is_static():
                ResourceFilterSet._form_classes[cls] = form_class
        return form_class

    def _form_class_is_static(self) -> bool:
        if type(self).__init__ is not ResourceFilterSet.__init__:
            return False
        return not any(callable(getattr(f, "queryset", None)) for f in self.filters.values())
