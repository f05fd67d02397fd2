"""Operations' API: valued stock postings, production and transfer orders."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from atp.selectors import lp_run_list
from cashsheet.api.viewsets import ResourceViewSet
from inventory.api.views import StockMovementViewSet as InventoryStockMovementViewSet
from inventory.services import LOT_DETAILS
from operations import selectors
from operations.api import serializers as s
from operations.filters import ProductionOrderFilterSet, TransferOrderFilterSet
from operations.services import planning, production, transfers
from operations.services.perpetual import stock_post_valued


class StockMovementViewSet(InventoryStockMovementViewSet):
    """/stock-movements/ as inventory serves it, except that a POST books its journal entry in the same
    transaction (perpetual inventory): receipts against GRNI, adjustments against inventory adjustments,
    transfers through inventory in transit."""

    def create_service(self, data):
        details = {name: data.pop(name) for name in LOT_DETAILS if name in data}
        return stock_post_valued(lot_details=details, actor=self.request.user, **data)


def _po_schema():
    tag = ["production-orders"]
    return extend_schema_view(
        list=extend_schema(summary="List production orders", tags=tag),
        retrieve=extend_schema(summary="Read a production order", tags=tag),
        create=extend_schema(summary="Plan a production order", tags=tag, request=s.ProductionOrderCreateSerializer,
                             description="Planned outputs are the pattern's yields × planned_input_lb; the pattern "
                             "must run at the facility and input lots must be of its input item (400 naming the "
                             "field)."),
        partial_update=extend_schema(summary="Edit a planned or released order", tags=tag,
                                     request=s.ProductionOrderPatchSerializer),
        release=extend_schema(summary="Release a planned order", tags=tag, request=None),
        cancel=extend_schema(summary="Cancel a planned or released order", tags=tag, request=None),
        complete=extend_schema(
            summary="Complete with the actual outputs", tags=tag, request=s.ProductionCompleteSerializer,
            description="One transaction: input lots consumed (the order's, those given, or first-expired-first-"
            "out), output lots made (pack date = production date) at joint cost (relative sales value, by-products "
            "at list first), stock movements, lot edges, the journal entry (Cr Inventory inputs, Dr Inventory "
            "outputs, Cr Processing cost applied) and production_order.completed. Outputs beyond the pattern's "
            "yield plus the tolerance are 409 yield_exceeded; a closed period 409 naming production_date.",
        ),
    )  # fmt: skip


@_po_schema()
class ProductionOrderViewSet(ResourceViewSet):
    serializer_class = s.ProductionOrderSerializer
    filterset_class = ProductionOrderFilterSet
    search_fields = ["number", "memo", "pattern__code"]
    ordering_fields = ["created_at", "updated_at", "id", "production_date", "number"]
    create_serializer_class = s.ProductionOrderCreateSerializer
    update_serializer_class = s.ProductionOrderPatchSerializer
    action_permissions = {
        "release": ["inventory.change_productionorder"],
        "cancel": ["inventory.change_productionorder"],
        "complete": ["inventory.change_productionorder"],
    }

    def get_queryset(self):
        return selectors.production_order_list()

    def create_service(self, data):
        return production.production_order_create(actor=self.request.user, **data)

    def update_service(self, order, data):
        return production.production_order_update(order=order, actor=self.request.user, **data)

    @action(detail=True, methods=["post"])
    def release(self, request, *args, **kwargs):
        order = self.get_object()
        return self.write(lambda: production.production_order_release(order=order, actor=request.user))

    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        order = self.get_object()
        return self.write(lambda: production.production_order_cancel(order=order, actor=request.user))

    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        order = self.get_object()
        data = self.validated(s.ProductionCompleteSerializer, data=request.data)
        return self.write(lambda: production.production_order_complete(order=order, actor=request.user, **data))


def _to_schema():
    tag = ["transfer-orders"]
    return extend_schema_view(
        list=extend_schema(summary="List transfer orders", tags=tag),
        retrieve=extend_schema(summary="Read a transfer order", tags=tag),
        create=extend_schema(summary="Plan a transfer order", tags=tag, request=s.TransferOrderCreateSerializer),
        partial_update=extend_schema(summary="Edit a planned order", tags=tag, request=s.TransferOrderPatchSerializer),
        ship=extend_schema(
            summary="Ship", tags=tag, request=s.TransferShipSerializer,
            description="Out of the source into in transit (owned by the destination, arriving after the lane's "
            "lead time); the lane's freight (cost per lb × lb) is capitalised into the lots and accrued.",
        ),
        receive=extend_schema(summary="Receive at the destination (not before the lead time: 409 not_arrived)",
                              tags=tag, request=s.TransferReceiveSerializer),
        cancel=extend_schema(summary="Cancel a planned order", tags=tag, request=None),
    )  # fmt: skip


@_to_schema()
class TransferOrderViewSet(ResourceViewSet):
    serializer_class = s.TransferOrderSerializer
    filterset_class = TransferOrderFilterSet
    search_fields = ["number", "memo"]
    ordering_fields = ["created_at", "updated_at", "id", "ship_date", "number"]
    create_serializer_class = s.TransferOrderCreateSerializer
    update_serializer_class = s.TransferOrderPatchSerializer
    action_permissions = {
        "ship": ["inventory.change_transferorder"],
        "receive": ["inventory.change_transferorder"],
        "cancel": ["inventory.change_transferorder"],
    }

    def get_queryset(self):
        return selectors.transfer_order_list()

    def create_service(self, data):
        return transfers.transfer_order_create(actor=self.request.user, **data)

    def update_service(self, order, data):
        return transfers.transfer_order_update(order=order, actor=self.request.user, **data)

    @action(detail=True, methods=["post"])
    def ship(self, request, *args, **kwargs):
        order = self.get_object()
        data = self.validated(s.TransferShipSerializer, data=request.data)
        return self.write(lambda: transfers.transfer_order_ship(order=order, actor=request.user, **data))

    @action(detail=True, methods=["post"])
    def receive(self, request, *args, **kwargs):
        order = self.get_object()
        data = self.validated(s.TransferReceiveSerializer, data=request.data)
        return self.write(lambda: transfers.transfer_order_receive(order=order, actor=request.user, **data))

    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        order = self.get_object()
        return self.write(lambda: transfers.transfer_order_cancel(order=order, actor=request.user))


class LpRunApplyViewSet(ResourceViewSet):
    """POST /lp-runs/{id}/apply/ (served here: the runs are atp's, the orders operations'; atp never imports
    operations)."""

    http_method_names = ["post", "options"]
    serializer_class = s.LpRunAppliedSerializer
    action_permissions = {"apply": ["inventory.add_productionorder", "inventory.add_transferorder"]}

    def get_queryset(self):
        return lp_run_list().defer("model_mps", "model_lp")

    @extend_schema(
        summary="Plan the production and transfer orders of a succeeded LP run", tags=["lp-runs"], request=None,
        responses=s.LpRunAppliedSerializer,
        description="Each cut and transfer of the run's plan, less what planned orders already hold at that "
        "pattern, facility and day (lane, item and ship date), becomes a planned order or is added to one. "
        "Idempotent: applying a run again plans nothing more (already_applied: true). 409 lp_run_not_succeeded "
        "when the run has not succeeded.",
    )  # fmt: skip
    def apply(self, request, *args, **kwargs):
        run = self.get_object()
        return self.write(
            lambda: planning.lp_run_apply(run=run, actor=request.user),
            render=self.render_with(s.LpRunAppliedSerializer),
        )
