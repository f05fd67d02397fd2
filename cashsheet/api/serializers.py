"""Serializer pieces every resource shares."""

import copy
from collections.abc import Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import fields, relations, serializers


class AddressSerializer(serializers.Serializer):
    """A postal address. Stored as JSON on the record; every key optional, unknown keys refused."""

    optional_keys = True  # stored as sent: a response has only the keys given (cashsheet/api/openapi.py)

    line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = serializers.RegexField(
        r"^[A-Z]{2}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Use a two-letter ISO 3166 country code, e.g. US."},
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {
                        key: ["Unknown address field; use line1, line2, city, region, postal_code, country."]
                        for key in sorted(unknown)
                    }
                )
        return super().to_internal_value(data)


@extend_schema_field(AddressSerializer)
class AddressField(serializers.JSONField):
    """An address validated by AddressSerializer on input and rendered as stored (no per-key work on lists)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                "Expected an object with line1, line2, city, region, postal_code, country."
            )
        checked = AddressSerializer(data=data)
        checked.is_valid(raise_exception=True)
        return dict(checked.validated_data)

    def to_representation(self, value):
        return value


class StrictFieldsMixin:
    """Refuses unknown fields, so a typo in an integration is a 400 naming it, not silently dropped data.

    Read-only fields sent back (a client echoing a record it read) are known fields: ignored, not refused.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class CachedFieldsMixin:
    """Builds a serializer class's fields once per process, and renders rows with a tighter loop.

    DRF's ModelSerializer introspects the model and constructs every field on each instantiation (about
    0.7 ms for a 14-field resource, a seventh of a list request's CPU). The result depends only on the class
    (Meta and declared fields), so it is built once and each instance gets copies: a shallow copy for a
    plain field (``bind`` then sets its name and parent on the copy alone), DRF's deep copy for nested
    serializers and many-related fields, which carry children of their own. A subclass that overrides
    ``get_fields`` still gets fresh copies from ``super().get_fields()``.

    ``to_representation`` gives the same dict as DRF's, with the per-row work DRF repeats for every field
    done once per serializer instance: the list of readable fields, and for plain attribute fields a direct
    ``getattr`` (anything unusual — a callable, a missing attribute, a dotted source — takes DRF's own
    ``field.get_attribute``). Date-time fields look the current time zone up once per instance, not per row.
    """

    _fields_prototypes: dict = {}

    def get_fields(self):
        cls = type(self)
        prototype = CachedFieldsMixin._fields_prototypes.get(cls)
        if prototype is None:
            prototype = super().get_fields()
            CachedFieldsMixin._fields_prototypes[cls] = prototype
        return {name: _field_copy(field) for name, field in prototype.items()}

    def _representation_plan(self):
        plan = self.__dict__.get("_cashsheet_plan")
        if plan is None:
            plan = []
            for field in self._readable_fields:
                attrs = field.source_attrs
                direct = type(field).get_attribute is fields.Field.get_attribute and len(attrs) == 1
                if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
                    field.timezone = field.default_timezone()
                plan.append((field.field_name, field, attrs[0] if direct else None))
            self._cashsheet_plan = plan
        return plan

    def to_representation(self, instance):
        if isinstance(instance, Mapping):
            return super().to_representation(instance)
        ret = {}
        for name, field, attr in self._representation_plan():
            attribute = _MISSING
            if attr is not None:
                try:
                    attribute = getattr(instance, attr)
                except Exception:  # DRF's get_attribute below decides (None, default, skip or raise)
                    attribute = _MISSING
            if attribute is _MISSING or callable(attribute):
                try:
                    attribute = field.get_attribute(instance)
                except fields.SkipField:
                    continue
            check_for_none = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


_MISSING = object()


def _field_copy(field):
    if isinstance(field, serializers.BaseSerializer | relations.ManyRelatedField):
        return copy.deepcopy(field)
    return copy.copy(field)


class ResourceSerializer(StrictFieldsMixin, CachedFieldsMixin, serializers.ModelSerializer):
    """Base for resource serializers: strict about fields (see StrictFieldsMixin), fields built once."""


class SplitChoiceField(serializers.ChoiceField):
    """A choice field whose responses carry more values than a request may send.

    `choices` are what a request may send (validated); `response_choices` what a response may carry (a
    journal entry's `source`: `manual` or `adjustment` by hand, any document type when read). The schema
    (cashsheet/api/openapi.py) documents each direction with its own enum, so a generated client accepts
    every value it reads.
    """

    def __init__(self, *, response_choices, **kwargs):
        self.response_choices = list(response_choices)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value if value in ("", None) else str(value)
