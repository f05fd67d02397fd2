import django_filters
from django.db.models import Q

from cashsheet.api.filters import ResourceFilterSet, parse_id
from inventory.models import (
    Category,
    CuttingPattern,
    Facility,
    Item,
    Lot,
    LotBalance,
    LotOrigin,
    LotState,
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
        if parse_id(value) is not None:
            return qs.filter(**{f"{self.field_name}_id": parse_id(value)})
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
        facility_id = parse_id(value)
        cond = Q(facilities__id=facility_id) if facility_id else Q(facilities__code__iexact=value)
        return qs.filter(cond).distinct()


class StockMovementFilterSet(ResourceFilterSet):
    facility = FacilityRef()
    item = ItemRef()
    imps_code = ImpsCode()
    kind = django_filters.MultipleChoiceFilter(choices=MovementKind.choices)
    lot = django_filters.CharFilter(method="filter_lot", help_text="Lot id, or lot code (any item).")
    lot_code = django_filters.CharFilter(field_name="lot__code", lookup_expr="iexact")
    effective_date_from = django_filters.DateFilter(field_name="effective_date", lookup_expr="gte")
    effective_date_to = django_filters.DateFilter(field_name="effective_date", lookup_expr="lte")
    source_type = django_filters.CharFilter()
    source_id = django_filters.NumberFilter()

    class Meta:
        model = StockMovement
        fields = ["facility", "item", "kind", "effective_date", "lane"]

    def filter_lot(self, qs, name, value):
        value = value.strip()
        lot_id = parse_id(value)
        return qs.filter(lot_id=lot_id) if lot_id is not None else qs.filter(lot__code__iexact=value)


class StockBalanceFilterSet(ResourceFilterSet):
    """`as_of` is read by the view (it changes which day rows are picked); the rest narrow rows.

    `updated_since` finds the balances any movement touched since a sync (the row's updated_at).
    """

    facility = FacilityRef()
    item = ItemRef()
    imps_code = ImpsCode()
    as_of = django_filters.DateFilter(method="filter_noop", help_text="Balances at the close of this date.")
    lot = django_filters.CharFilter(method="filter_noop", help_text="Per-lot rows of this lot (id or code).")
    expiring_before = django_filters.DateFilter(method="filter_noop", help_text="Per-lot rows with an earlier use-by.")
    by_lot = django_filters.BooleanFilter(method="filter_noop", help_text="true: one row per lot and facility.")

    class Meta:
        model = StockBalance
        fields = ["facility", "item"]

    def filter_noop(self, qs, name, value):
        return qs


class LotStockFilterSet(StockBalanceFilterSet):
    """/stock-balances/ per lot (with `lot`, `expiring_before` or `by_lot=true`): rows are LotBalance."""

    item = django_filters.NumberFilter(field_name="lot__item_id", help_text="Item id.")
    imps_code = ImpsCode("lot__item")
    lot = django_filters.CharFilter(method="filter_lot", help_text="Lot id, or lot code (any item).")
    expiring_before = django_filters.DateFilter(field_name="lot__use_by_date", lookup_expr="lt")
    on_hold = django_filters.BooleanFilter(field_name="lot__on_hold")
    state = django_filters.ChoiceFilter(field_name="lot__state", choices=LotState.choices)

    class Meta:
        model = LotBalance
        fields = ["facility"]

    def filter_lot(self, qs, name, value):
        value = value.strip()
        lot_id = parse_id(value)
        return qs.filter(lot_id=lot_id) if lot_id is not None else qs.filter(lot__code__iexact=value)


class LotFilterSet(ResourceFilterSet):
    item = ItemRef()
    imps_code = ImpsCode()
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")
    facility = django_filters.CharFilter(method="filter_facility", help_text="Facility id or code the lot lies in.")
    home_facility = FacilityRef("facility")
    origin = django_filters.ChoiceFilter(choices=LotOrigin.choices)
    state = django_filters.ChoiceFilter(choices=LotState.choices)
    on_hold = django_filters.BooleanFilter()
    vendor = django_filters.NumberFilter(field_name="vendor_id", help_text="Vendor id.")
    vendor_lot_code = django_filters.CharFilter(field_name="vendor_lot_code", lookup_expr="iexact")
    expiring_before = django_filters.DateFilter(field_name="use_by_date", lookup_expr="lt", help_text="Use-by before.")
    use_by_from = django_filters.DateFilter(field_name="use_by_date", lookup_expr="gte")
    use_by_to = django_filters.DateFilter(field_name="use_by_date", lookup_expr="lte")
    pack_date_from = django_filters.DateFilter(field_name="pack_date", lookup_expr="gte")
    pack_date_to = django_filters.DateFilter(field_name="pack_date", lookup_expr="lte")
    in_stock = django_filters.BooleanFilter(method="filter_in_stock", help_text="true: lb on the books somewhere.")

    class Meta:
        model = Lot
        fields = ["item", "origin", "state", "on_hold", "vendor"]

    def filter_facility(self, qs, name, value):
        value = value.strip()
        facility_id = parse_id(value)
        cond = Q(balances__facility_id=facility_id) if facility_id else Q(balances__facility__code__iexact=value)
        return qs.filter(cond & Q(balances__on_hand_lb__gt=0)).distinct()

    def filter_in_stock(self, qs, name, value):
        if value is None:
            return qs
        in_stock = LotBalance.objects.filter(on_hand_lb__gt=0).values("lot_id")
        return qs.filter(pk__in=in_stock) if value else qs.exclude(pk__in=in_stock)
