import django_filters

from cashsheet.api.filters import ResourceFilterSet
from parties.models import Customer, Vendor


class CustomerFilterSet(ResourceFilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")

    class Meta:
        model = Customer
        fields = ["active", "external_ref", "code"]


class VendorFilterSet(ResourceFilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")

    class Meta:
        model = Vendor
        fields = ["active", "external_ref", "code"]
