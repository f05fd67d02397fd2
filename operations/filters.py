import django_filters

from cashsheet.api.filters import ResourceFilterSet
from inventory.filters import FacilityRef, ImpsCode, ItemRef
from inventory.models import ProductionOrder, ProductionStatus, TransferOrder, TransferStatus


class ProductionOrderFilterSet(ResourceFilterSet):
    status = django_filters.ChoiceFilter(choices=ProductionStatus.choices)
    facility = FacilityRef()
    pattern = django_filters.NumberFilter(field_name="pattern_id", help_text="Cutting pattern id.")
    pattern_code = django_filters.CharFilter(field_name="pattern__code", lookup_expr="iexact")
    production_date_from = django_filters.DateFilter(field_name="production_date", lookup_expr="gte")
    production_date_to = django_filters.DateFilter(field_name="production_date", lookup_expr="lte")
    number = django_filters.CharFilter(field_name="number", lookup_expr="iexact")

    class Meta:
        model = ProductionOrder
        fields = ["status", "facility", "pattern", "number"]


class TransferOrderFilterSet(ResourceFilterSet):
    status = django_filters.ChoiceFilter(choices=TransferStatus.choices)
    from_facility = FacilityRef("lane__from_facility")
    to_facility = FacilityRef("lane__to_facility")
    lane = django_filters.NumberFilter(field_name="lane_id")
    item = ItemRef()
    imps_code = ImpsCode()
    ship_date_from = django_filters.DateFilter(field_name="ship_date", lookup_expr="gte")
    ship_date_to = django_filters.DateFilter(field_name="ship_date", lookup_expr="lte")
    number = django_filters.CharFilter(field_name="number", lookup_expr="iexact")

    class Meta:
        model = TransferOrder
        fields = ["status", "lane", "item", "number"]
