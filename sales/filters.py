import django_filters

from cashsheet.api.filters import ResourceFilterSet
from sales.models import SalesOrder, SalesOrderStatus


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
