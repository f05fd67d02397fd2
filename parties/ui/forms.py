from cashsheet.ui.crud import ServiceModelForm
from parties.models import Customer, Vendor

COMMON = ["code", "name", "email", "phone", "payment_terms_days", "tax_id", "external_ref"]


class CustomerForm(ServiceModelForm):
    class Meta:
        model = Customer
        fields = [*COMMON, "credit_limit", "min_shelf_life_days"]
        labels = {"payment_terms_days": "Payment terms (days)", "min_shelf_life_days": "Minimum shelf life (days)"}


class VendorForm(ServiceModelForm):
    class Meta:
        model = Vendor
        fields = [*COMMON[:2], "contact_name", *COMMON[2:]]
        labels = {"payment_terms_days": "Payment terms (days)"}
