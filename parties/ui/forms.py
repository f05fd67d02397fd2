from copy import deepcopy

from django import forms

from cashsheet.ui.crud import ServiceModelForm
from parties.models import Customer, Vendor

COMMON = ["code", "name", "email", "phone", "payment_terms_days", "tax_id", "external_ref"]
# The API's AddressSerializer (cashsheet/api/serializers.py): every key optional, country ISO 3166 alpha-2.
ADDRESS_PARTS = {
    "line1": forms.CharField(max_length=200, required=False, label="Line 1"),
    "line2": forms.CharField(max_length=200, required=False, label="Line 2"),
    "city": forms.CharField(max_length=100, required=False),
    "region": forms.CharField(max_length=100, required=False, label="State or region"),
    "postal_code": forms.CharField(max_length=20, required=False, label="Postal code"),
    "country": forms.RegexField(
        r"^[A-Z]{2}$", required=False, max_length=2, help_text="Two letters, e.g. US.",
        error_messages={"invalid": "Use a two-letter ISO 3166 country code, e.g. US."},
    ),
}  # fmt: skip


class AddressFormMixin:
    """Edits JSON address fields (`address_fields`: model field -> heading) as one input per part; the
    cleaned data and the changed fields name the address field (a dict), as the service takes it."""

    address_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = kwargs.get("instance")
        for name, heading in self.address_fields.items():
            stored = getattr(instance, name, None) or {}
            for part, field in ADDRESS_PARTS.items():
                copy = deepcopy(field)
                copy.label = f"{heading}: {field.label or part.replace('_', ' ').capitalize()}"
                copy.initial = stored.get(part, "")
                self.fields[f"{name}__{part}"] = copy

    def clean(self):
        data = super().clean()
        for name in self.address_fields:
            value = {part: data.pop(f"{name}__{part}", "") for part in ADDRESS_PARTS}
            data[name] = {part: v for part, v in value.items() if v}
        return data

    @property
    def changed_data(self):
        names = super().changed_data
        out = [n for n in names if "__" not in n]
        out += [a for a in self.address_fields if any(n.startswith(f"{a}__") for n in names)]
        return out


class CustomerForm(AddressFormMixin, ServiceModelForm):
    address_fields = {"billing_address": "Billing address", "shipping_address": "Shipping address"}

    class Meta:
        model = Customer
        fields = [*COMMON, "credit_limit", "min_shelf_life_days"]
        labels = {"payment_terms_days": "Payment terms (days)", "min_shelf_life_days": "Minimum shelf life (days)"}


class VendorForm(AddressFormMixin, ServiceModelForm):
    address_fields = {"address": "Address"}

    class Meta:
        model = Vendor
        fields = [*COMMON[:2], "contact_name", *COMMON[2:]]
        labels = {"payment_terms_days": "Payment terms (days)"}
