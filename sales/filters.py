import django_filters

from cashsheet.api.filters import ResourceFilterSet
from sales.models import Customer, SalesOrder, SalesOrderStatus


class CustomerFilterSet(ResourceFilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")

    class Meta:
        model = Customer
        fields = ["active", "external_ref", "code"]


class SalesOrderFilterSet(ResourceFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=SalesOrderStatus.choices)
    delivery_date_after = django_filters.DateFilter(field_name="delivery_date", lookup_expr="gte")
    delivery_date_before = django_filters.DateFilter(field_name="delivery_date", lookup_expr="lte")
    order_date_after = django_filters.DateFilter(field_name="order_date", lookup_expr="gte")
    order_date_before = django_filters.DateFilter(field_name="order_date", lookup_expr="lte")
    facility_code = django_filters.CharFilter(field_name="facility__code", lookup_expr="iexact")

    class Meta:
        model = SalesOrder
        fields = ["status", "customer", "facility", "external_ref", "number"]
