"""Serializer pieces every resource shares."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class AddressSerializer(serializers.Serializer):
    """A postal address. Stored as JSON on the record; every key optional, unknown keys refused."""

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


class ResourceSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """Base for resource serializers: strict about fields (see StrictFieldsMixin)."""
