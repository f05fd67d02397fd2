from rest_framework import serializers

from cashsheet.api.fields import NullableCharField
from cashsheet.api.serializers import AddressField, AddressSerializer, ResourceSerializer
from parties.models import Customer, Vendor

READ_ONLY = ["id", "created_at", "updated_at"]


class _CounterpartySerializer(ResourceSerializer):
    external_ref = NullableCharField(max_length=100)

    def validate_code(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("May not be blank.")
        return value


class CustomerSerializer(_CounterpartySerializer):
    billing_address = AddressField()
    shipping_address = AddressField()
    credit_limit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    min_shelf_life_days = serializers.IntegerField(
        min_value=0,
        max_value=3650,
        required=False,
        allow_null=True,
        help_text="Days of shelf life a lot must have left on arrival; null: no requirement. Orders may override.",
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "email",
            "phone",
            "billing_address",
            "shipping_address",
            "payment_terms_days",
            "credit_limit",
            "min_shelf_life_days",
            "tax_id",
            "external_ref",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = READ_ONLY
        # Uniqueness is checked by the service (409 naming the existing record), not by DRF validators.
        validators: list = []


class VendorSerializer(_CounterpartySerializer):
    address = AddressSerializer(required=False)

    class Meta:
        model = Vendor
        fields = [
            "id",
            "code",
            "name",
            "contact_name",
            "email",
            "phone",
            "address",
            "payment_terms_days",
            "tax_id",
            "external_ref",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = READ_ONLY
        validators: list = []
