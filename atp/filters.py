import django_filters

from atp.models import AtpCheck, LpRun, PlannedStep
from cashsheet.api.filters import ResourceFilterSet


class LpRunFilterSet(ResourceFilterSet):
    class Meta:
        model = LpRun
        fields = ["status"]


class AtpCheckFilterSet(ResourceFilterSet):
    facility_id = django_filters.CharFilter(field_name="facility__code", lookup_expr="iexact")
    imps_code = django_filters.CharFilter(field_name="item__imps_code", lookup_expr="iexact")
    delivery_date = django_filters.DateFilter()

    class Meta:
        model = AtpCheck
        fields = ["result"]


class PlannedStepFilterSet(ResourceFilterSet):
    active = django_filters.BooleanFilter(field_name="released_at", lookup_expr="isnull", label="Not released")

    class Meta:
        model = PlannedStep
        fields = ["source_type", "source_id", "kind"]
