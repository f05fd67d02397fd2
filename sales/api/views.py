from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.decorators import action

from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.viewsets import ResourceViewSet
from sales import selectors, services
from sales.api.serializers import SalesOrderCreateSerializer, SalesOrderPatchSerializer, SalesOrderSerializer
from sales.filters import SalesOrderFilterSet

SALES_ORDER_EXAMPLE = OpenApiExample(
    "Portal order",
    value={
        "customer": 42,
        "facility": 1,
        "external_ref": "portal-ord-9001",
        "delivery_date": "2026-03-14",
        "status": "confirmed",
        "lines": [
            {"imps_code": "112A", "quantity_lb": "2400.00"},
            {"item": 7, "quantity_lb": 600, "price_per_lb": "11.2500", "delivery_date": "2026-03-15"},
        ],
    },
    request_only=True,
)
SHIP_EXAMPLE = OpenApiExample(
    "Ship with catch weights, lots picked first-expired-first-out",
    value={"status": "shipped", "lines": [{"id": 101, "shipped_lb": "2391.40"}, {"id": 102, "shipped_lb": 612}]},
    request_only=True,
)
SHIP_LOTS_EXAMPLE = OpenApiExample(
    "Ship with catch weights per lot",
    value={
        "status": "shipped",
        "lines": [
            {"id": 101, "lots": [{"lot": 812, "shipped_lb": "1601.40"}, {"lot": "SH-26330-112A", "shipped_lb": 790}]},
            {"id": 102, "lot": 815, "shipped_lb": 612},
        ],
    },
    request_only=True,
)


def _line_inputs(lines) -> list:
    return [services.LineInput(**line) for line in lines]


@extend_schema_view(
    list=extend_schema(summary="List sales orders", tags=["sales-orders"]),
    retrieve=extend_schema(summary="Read a sales order", tags=["sales-orders"]),
    create=extend_schema(
        summary="Create a sales order",
        tags=["sales-orders"],
        request=SalesOrderCreateSerializer,
        responses={201: SalesOrderSerializer},
        examples=[SALES_ORDER_EXAMPLE],
        description=(
            'Draft by default; `"status": "confirmed"` confirms at once (ATP reserves every line, or '
            "409 with per-line ATP results). A known `external_ref` answers 409 with `existing_id`."
        ),
    ),
    partial_update=extend_schema(
        summary="Edit a draft or move the status",
        tags=["sales-orders"],
        request=SalesOrderPatchSerializer,
        responses={200: SalesOrderSerializer},
        examples=[SHIP_EXAMPLE, SHIP_LOTS_EXAMPLE],
        description=(
            '`{"status": "confirmed"|"shipped"|"invoiced"|"cancelled"}`; shipping takes, per line, '
            "`{id, lots: [{lot, shipped_lb}]}` (lot by id or code), `{id, lot, shipped_lb}`, or `{id, shipped_lb}` "
            "(lots picked first-expired-first-out), each line's total within the silo's catch-weight tolerance. "
            "A held or expired lot, a lot not lying at the line's source facilities, or one that would arrive "
            "with less shelf life than `min_shelf_life_days` (the order's, else the customer's) is a 409 naming "
            "the lot and its use-by date; nothing is written. Other transitions are 409 naming the current "
            "state and the allowed next ones."
        ),
    ),
    invoice=extend_schema(
        summary="Invoice a shipped order", tags=["sales-orders"], request=None, responses={200: SalesOrderSerializer}
    ),
)
class SalesOrderViewSet(ResourceViewSet):
    serializer_class = SalesOrderSerializer
    filterset_class = SalesOrderFilterSet
    search_fields = ["number", "external_ref", "customer__name"]
    ordering_fields = ["created_at", "updated_at", "id", "order_date", "delivery_date", "number"]
    action_permissions = {"invoice": ["sales.change_salesorder"]}

    create_serializer_class = SalesOrderCreateSerializer
    update_serializer_class = SalesOrderPatchSerializer

    def get_queryset(self):
        return selectors.sales_order_list()

    def create_service(self, data):
        lines = _line_inputs(data.pop("lines"))
        return services.sales_order_create(lines=lines, actor=self.request.user, **data)

    def update_service(self, order, data):
        if "status" not in data:
            lines = data.pop("lines", None)
            return services.sales_order_update(order=order, lines=_line_inputs(lines) if lines else None, **data)
        shipped = {
            line["id"]: services.ShipLine(
                shipped_lb=line.get("shipped_lb"),
                lots=[(x["lot"], x["shipped_lb"]) for x in line["lots"]] if "lots" in line else None,
            )
            for line in data.get("lines", [])
        }
        if len(shipped) != len(data.get("lines", [])):
            raise InvalidInput("Each line id may appear once.", field="lines")
        return services.sales_order_transition(
            order=order,
            status=data["status"],
            shipped=shipped,
            ship_date=data.get("ship_date"),
            actor=self.request.user,
        )

    @action(detail=True, methods=["post"])
    def invoice(self, request, *args, **kwargs):
        order = self.get_object()
        return self.write(lambda: services.sales_order_invoice(order=order, actor=request.user))
