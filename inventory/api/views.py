from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.viewsets import ResourceViewSet
from inventory import selectors, services
from inventory.api import examples
from inventory.api.serializers import (
    CuttingPatternSerializer,
    FacilitySerializer,
    ItemSerializer,
    StockBalanceSerializer,
    StockMovementSerializer,
    TransferLaneSerializer,
)
from inventory.filters import (
    CuttingPatternFilterSet,
    FacilityFilterSet,
    ItemFilterSet,
    StockBalanceFilterSet,
    StockMovementFilterSet,
    TransferLaneFilterSet,
)
from inventory.models import MovementKind


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
        examples=[examples.RECEIPT, examples.SHIPMENT, examples.TRANSFER, examples.INSUFFICIENT],
        description=(
            "`quantity_lb` is positive; the kind gives the direction (`direction` 1/-1 only for adjustments). "
            "A movement that would take on-hand below zero on its date or any later date answers 409 "
            "`insufficient_stock` naming the facility, item, date and `shortfall_lb`; nothing is written. "
            "`kind=transfer_out` with `to_facility` posts both legs at once over the lane between them, the "
            "in leg dated by the lane's lead time; the response is the out leg (`transfer_pair` is the in leg). "
            "Outbound movements are valued at the weighted average cost. Movements are immutable: PATCH and "
            "DELETE answer 405; correct with a new movement."
        ),
    ),
)
class StockMovementViewSet(ResourceViewSet):
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilterSet
    search_fields = ["lot_code", "memo"]
    ordering_fields = ["created_at", "updated_at", "id", "effective_date", "quantity_lb"]

    def get_queryset(self):
        return selectors.stock_movement_list()

    def create_service(self, data):
        to_facility = data.pop("to_facility", None)
        kind = data["kind"]
        if kind == MovementKind.TRANSFER_IN:
            raise InvalidInput("Post kind=transfer_out with to_facility; the in leg is posted with it.", field="kind")
        if kind == MovementKind.TRANSFER_OUT:
            movement = self._transfer(data, to_facility)
        else:
            if to_facility is not None:
                raise InvalidInput("to_facility is only for kind=transfer_out.", field="to_facility")
            movement = services.stock_movement_post(**data)
        return movement

    def _transfer(self, data: dict, to_facility):
        if to_facility is None:
            raise InvalidInput("A transfer_out needs to_facility (the destination).", field="to_facility")
        if data.get("direction") is not None:
            raise InvalidInput("direction is only given for adjustments; the kind gives it.", field="direction")
        if data.get("unit_cost_per_lb") is not None:
            raise InvalidInput("A transfer moves stock at the source's average cost.", field="unit_cost_per_lb")
        lane = selectors.transfer_lane_between(from_facility=data["facility"], to_facility=to_facility)
        out_leg, _ = services.stock_transfer_post(
            lane=lane,
            item=data["item"],
            quantity_lb=data["quantity_lb"],
            ship_date=data["effective_date"],
            lot_code=data.get("lot_code", ""),
            memo=data.get("memo", ""),
        )
        return out_leg


# Not a ResourceViewSet: read-only and list-only (a balance is found by facility and item, not by id).
class StockBalanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """On-hand lb and value per facility and item, today or at the close of `as_of`."""

    http_method_names = ["get", "head", "options"]
    required_permissions = {"GET": ["inventory.view_stockbalance"], "HEAD": ["inventory.view_stockbalance"]}
    serializer_class = StockBalanceSerializer
    filterset_class = StockBalanceFilterSet
    search_fields = ["item__imps_code", "item__description", "facility__code"]
    ordering_fields = ["facility__code", "item__imps_code", "closing_lb", "closing_value", "last_movement_date"]
    ordering = ["facility__code", "item__imps_code"]

    def get_queryset(self):
        raw = self.request.query_params.get("as_of")
        as_of = None
        if raw:
            try:
                as_of = serializers.DateField().to_internal_value(raw)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"as_of": exc.detail}) from exc
        return selectors.stock_balance_list(as_of=as_of)

    @extend_schema(
        summary="Stock on hand",
        tags=["stock"],
        parameters=[
            OpenApiParameter("as_of", str, description="YYYY-MM-DD; default today. Balances at that day's close."),
            OpenApiParameter("ordering", str, description="facility__code, item__imps_code, closing_lb, ..."),
        ],
        examples=[examples.BALANCES],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
