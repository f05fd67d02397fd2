from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from cashsheet.api.viewsets import ResourceViewSet
from inventory import selectors, services
from inventory.api import examples
from inventory.api.lots import LotStockBalanceSerializer
from inventory.api.serializers import (
    CuttingPatternSerializer,
    FacilitySerializer,
    ItemSerializer,
    StockBalanceSerializer,
    StockMovementCreateSerializer,
    StockMovementPostedSerializer,
    StockMovementSerializer,
    TransferLaneSerializer,
)
from inventory.filters import (
    CuttingPatternFilterSet,
    FacilityFilterSet,
    ItemFilterSet,
    LotStockFilterSet,
    StockBalanceFilterSet,
    StockMovementFilterSet,
    TransferLaneFilterSet,
)


def _schema(resource: str, tag: str, example: OpenApiExample, create_description: str = ""):
    return extend_schema_view(
        list=extend_schema(summary=f"List {resource}s", tags=[tag]),
        retrieve=extend_schema(summary=f"Read a {resource}", tags=[tag]),
        create=extend_schema(
            summary=f"Create a {resource}", tags=[tag], examples=[example], description=create_description
        ),
        partial_update=extend_schema(summary=f"Update a {resource}", tags=[tag], examples=[example]),
    )


@_schema("facility", "facilities", examples.FACILITY, "A duplicate `code` answers 409 with `existing_id`.")
class FacilityViewSet(ResourceViewSet):
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["created_at", "updated_at", "id", "code", "name"]
    ordering = ["code"]

    def get_queryset(self):
        return selectors.facility_list()

    def create_service(self, data):
        return services.facility_create(**data)

    def update_service(self, instance, data):
        return services.facility_update(facility=instance, **data)


@_schema("transfer lane", "facilities", examples.LANE, "A second lane between the same two facilities is a 409.")
class TransferLaneViewSet(ResourceViewSet):
    serializer_class = TransferLaneSerializer
    filterset_class = TransferLaneFilterSet
    search_fields = ["from_facility__code", "to_facility__code"]
    ordering_fields = ["created_at", "updated_at", "id", "lead_time_days", "cost_per_lb"]
    ordering = ["from_facility__code", "to_facility__code"]

    def get_queryset(self):
        return selectors.transfer_lane_list()

    def create_service(self, data):
        return services.transfer_lane_create(**data)

    def update_service(self, instance, data):
        return services.transfer_lane_update(lane=instance, **data)


@_schema(
    "item",
    "items",
    examples.ITEM,
    "`imps_code` is unique (409 with `existing_id`) and cannot change once stock of the item has moved (409).",
)
class ItemViewSet(ResourceViewSet):
    serializer_class = ItemSerializer
    filterset_class = ItemFilterSet
    search_fields = ["imps_code", "description"]
    ordering_fields = ["created_at", "updated_at", "id", "imps_code", "description", "list_price_per_lb"]
    ordering = ["imps_code"]

    def get_queryset(self):
        return selectors.item_list()

    def create_service(self, data):
        return services.item_create(**data)

    def update_service(self, instance, data):
        return services.item_update(item=instance, **data)


@_schema(
    "cutting pattern",
    "items",
    examples.PATTERN,
    "Output yields are fractions of input lb: each > 0 and together <= 1 (the rest is shrink), else 400 naming "
    "the field. Facilities must be able to break. On PATCH, `outputs` and `facilities` replace the current ones.",
)
class CuttingPatternViewSet(ResourceViewSet):
    serializer_class = CuttingPatternSerializer
    filterset_class = CuttingPatternFilterSet
    search_fields = ["code", "name", "input_item__imps_code"]
    ordering_fields = ["created_at", "updated_at", "id", "code"]
    ordering = ["code"]

    def get_queryset(self):
        return selectors.cutting_pattern_list()

    def create_service(self, data):
        return services.cutting_pattern_create(**data)

    def update_service(self, instance, data):
        return services.cutting_pattern_update(pattern=instance, **data)


@extend_schema_view(
    list=extend_schema(summary="List stock movements", tags=["stock"]),
    retrieve=extend_schema(summary="Read a stock movement", tags=["stock"]),
    create=extend_schema(
        summary="Post a stock movement",
        tags=["stock"],
        request=StockMovementCreateSerializer,
        responses={201: StockMovementPostedSerializer},
        examples=[
            examples.RECEIPT,
            examples.SHIPMENT,
            examples.SHIPMENT_LOTS,
            examples.TRANSFER,
            examples.INSUFFICIENT,
        ],
        description=(
            "Every movement names one lot. A receipt adds to the lot named by `lot` or `lot_code` (a new code "
            "creates the lot, labelled by `pack_date`, `use_by_date`, `kill_date`, `state`, `vendor`, "
            "`vendor_lot_code`, `establishment_number`; without a lot, one is created with a generated code). "
            "A shipment, negative adjustment or transfer takes from the named `lot`, from `lots: [{lot, "
            "quantity_lb}]`, or, naming none, first-expired-first-out among unheld, unexpired lots. The answer "
            "is the first movement written, with `movements` listing every one (one per lot; a transfer's out "
            "and in legs). `quantity_lb` is positive; the kind gives the direction (`direction` 1/-1 only for "
            "adjustments). A held or expired lot, a lot of another item, one without stock at the facility, or "
            "more lb than a lot holds on the date or any later date answers 409/400 naming the lot and the "
            "figure; nothing is written. `kind=transfer_out` with `to_facility` posts both legs over the lane "
            "between them, the in leg dated by the lane's lead time, into the same lot at the destination. "
            "Outbound movements are valued at the weighted average cost. Movements are immutable: PATCH and "
            "DELETE answer 405; correct with a new movement."
        ),
    ),
)
class StockMovementViewSet(ResourceViewSet):
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilterSet
    search_fields = ["lot__code", "memo"]
    ordering_fields = ["created_at", "updated_at", "id", "effective_date", "quantity_lb"]

    def get_queryset(self):
        return selectors.stock_movement_list()

    create_serializer_class = StockMovementCreateSerializer

    def create_service(self, data):
        details = {name: data.pop(name) for name in services.LOT_DETAILS if name in data}
        return services.stock_post(lot_details=details, **data)

    def render_created(self, movements):
        # The first movement written, with `movements` listing every one (one per lot, both transfer legs).
        order = [m.pk for m in movements]
        rows = sorted(selectors.stock_movement_list().filter(pk__in=order), key=lambda m: order.index(m.pk))
        return StockMovementPostedSerializer(rows[0], context={"movements": rows}).data


# Not a ResourceViewSet: read-only and list-only (a balance is found by facility and item, not by id).
class StockBalanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """On-hand lb and value per facility and item (or per lot), today or at the close of `as_of`."""

    http_method_names = ["get", "head", "options"]
    required_permissions = {"GET": ["inventory.view_stockbalance"], "HEAD": ["inventory.view_stockbalance"]}
    search_fields = ["item__imps_code", "item__description", "facility__code"]
    ordering_fields = ["facility__code", "item__imps_code", "closing_lb", "closing_value", "last_movement_date"]
    ordering = ["facility__code", "item__imps_code"]

    @property
    def by_lot(self) -> bool:
        params = self.request.query_params
        return bool(params.get("lot") or params.get("expiring_before")) or params.get("by_lot") in ("true", "1")

    def get_serializer_class(self):
        return LotStockBalanceSerializer if self.by_lot else StockBalanceSerializer

    @property
    def filterset_class(self):
        return LotStockFilterSet if self.by_lot else StockBalanceFilterSet

    def _as_of(self):
        raw = self.request.query_params.get("as_of")
        if not raw:
            return None
        try:
            return serializers.DateField().to_internal_value(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"as_of": exc.detail}) from exc

    def get_queryset(self):
        if self.by_lot:
            return selectors.lot_stock_list(as_of=self._as_of())
        return selectors.stock_balance_list(as_of=self._as_of())

    def filter_queryset(self, queryset):
        if self.by_lot:
            # Per-lot rows order by lot fields too; item__ names map onto the lot's item.
            self.ordering_fields = ["facility__code", "lot__item__imps_code", "closing_lb", "last_movement_date",
                                    "lot__use_by_date", "lot__code"]  # fmt: skip
            self.ordering = ["facility__code", "lot__item__imps_code", "lot__use_by_date", "lot_id"]
            self.search_fields = ["lot__item__imps_code", "lot__item__description", "facility__code", "lot__code"]
        return super().filter_queryset(queryset)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.by_lot and getattr(self, "_page_rows", None) is not None:
            context["values"] = selectors.lot_values(rows=self._page_rows, as_of=self._as_of())
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._page_rows = list(page) if page is not None else list(queryset)
        return page

    @extend_schema(
        summary="Stock on hand",
        tags=["stock"],
        parameters=[
            OpenApiParameter("as_of", str, description="YYYY-MM-DD; default today. Balances at that day's close."),
            OpenApiParameter("lot", str, description="Lot id or code: one row per facility the lot lies in."),
            OpenApiParameter("expiring_before", str, description="YYYY-MM-DD: per-lot rows with an earlier use-by."),
            OpenApiParameter("by_lot", bool, description="true: one row per lot and facility."),
            OpenApiParameter("ordering", str, description="facility__code, item__imps_code, closing_lb, ..."),
        ],
        examples=[examples.BALANCES],
        description=(
            "Per facility and item by default. With `lot`, `expiring_before` or `by_lot=true`, one row per lot "
            "and facility (lot code, pack and use-by dates, hold), valued at the pair's average cost."
        ),
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
