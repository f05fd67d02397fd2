import django_filters
from django.db.models import Q

from cashsheet.api.filters import ResourceFilterSet
from inventory.models import (
    Category,
    CuttingPattern,
    Facility,
    Item,
    MovementKind,
    Species,
    StockBalance,
    StockMovement,
    TransferLane,
)


class _RefFilter(django_filters.CharFilter):
    """An id, or the record's code: `?facility=3` and `?facility=BLYTHE` both work."""

    def __init__(self, *args, code_field: str, **kwargs):
        self.code_field = code_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        value = value.strip()
        if value.isdigit():
            return qs.filter(**{f"{self.field_name}_id": int(value)})
        return qs.filter(**{f"{self.field_name}__{self.code_field}__iexact": value})


def FacilityRef(field_name="facility"):  # noqa: N802 - reads like a filter class
    return _RefFilter(field_name=field_name, code_field="code", help_text="Facility id or code, e.g. BLYTHE.")


def ItemRef(field_name="item"):  # noqa: N802
    # Ids only: IMPS codes are often all digits ("103"), so "id or code" would be ambiguous;
    # each item filter has an `..imps_code` sibling instead.
    return django_filters.NumberFilter(field_name=f"{field_name}_id", help_text="Item id.")


def ImpsCode(field_name="item"):  # noqa: N802
    return django_filters.CharFilter(
        field_name=f"{field_name}__imps_code", lookup_expr="iexact", help_text="Item imps_code, e.g. 112A."
    )


class FacilityFilterSet(ResourceFilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")

    class Meta:
        model = Facility
        fields = ["active", "can_break", "code"]


class TransferLaneFilterSet(ResourceFilterSet):
    from_facility = FacilityRef("from_facility")
    to_facility = FacilityRef("to_facility")

    class Meta:
        model = TransferLane
        fields = ["active", "from_facility", "to_facility"]


class ItemFilterSet(ResourceFilterSet):
    imps_code = django_filters.CharFilter(field_name="imps_code", lookup_expr="iexact")
    species = django_filters.ChoiceFilter(choices=Species.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = Item
        fields = ["species", "category", "active", "imps_code", "grade"]


class CuttingPatternFilterSet(ResourceFilterSet):
    input_item = ItemRef("input_item")
    input_imps_code = ImpsCode("input_item")
    facility = django_filters.CharFilter(method="filter_facility", help_text="Facility id or code that may run it.")
    output_item = django_filters.NumberFilter(field_name="outputs__item_id", distinct=True, help_text="Output item id.")
    output_imps_code = django_filters.CharFilter(
        field_name="outputs__item__imps_code", lookup_expr="iexact", distinct=True, help_text="Output imps_code."
    )

    class Meta:
        model = CuttingPattern
        fields = ["active", "input_item"]

    def filter_facility(self, qs, name, value):
        cond = Q(facilities__id=int(value)) if value.isdigit() else Q(facilities__code__iexact=value)
        return qs.filter(cond).distinct()


class StockMovementFilterSet(ResourceFilterSet):
    facility = FacilityRef()
    item = ItemRef()
    imps_code = ImpsCode()
    kind = django_filters.MultipleChoiceFilter(choices=MovementKind.choices)
    lot = django_filters.CharFilter(field_name="lot_code", lookup_expr="iexact")
    lot_code = django_filters.CharFilter(field_name="lot_code", lookup_expr="iexact")
    effective_date_from = django_filters.DateFilter(field_name="effective_date", lookup_expr="gte")
    effective_date_to = django_filters.DateFilter(field_name="effective_date", lookup_expr="lte")
    source_type = django_filters.CharFilter()
    source_id = django_filters.NumberFilter()

    class Meta:
        model = StockMovement
        fields = ["facility", "item", "kind", "effective_date", "lane"]


class StockBalanceFilterSet(ResourceFilterSet):
    """`as_of` is read by the view (it changes which day rows are picked); the rest narrow rows.

    `updated_since` finds the balances any movement touched since a sync (the row's updated_at).
    """

    facility = FacilityRef()
    item = ItemRef()
    imps_code = ImpsCode()
    as_of = django_filters.DateFilter(method="filter_noop", help_text="Balances at the close of this date.")

    class Meta:
        model = StockBalance
        fields = ["facility", "item"]

    def filter_noop(self, qs, name, value):
        return qs
