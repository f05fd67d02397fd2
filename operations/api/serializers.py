"""Production and transfer order serializers: reads render through operations.payloads (one shape for GET,
the write answers and events); writes are strict (unknown fields 400)."""

from decimal import Decimal

from rest_framework import serializers

from cashsheet.api.serializers import StrictFieldsMixin
from inventory.models import CuttingPattern, Facility, Item, Lot, ProductionOrder, TransferLane, TransferOrder
from operations.payloads import production_order_render, transfer_order_render

LB = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01")}


class ProductionOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductionOrder
        fields = ["id"]

    def to_representation(self, instance):
        return production_order_render(instance)


class TransferOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = TransferOrder
        fields = ["id"]

    def to_representation(self, instance):
        return transfer_order_render(instance)


class LotQuantitySerializer(StrictFieldsMixin, serializers.Serializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.select_related("item"))
    quantity_lb = serializers.DecimalField(**LB)


class ProductionOrderCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    pattern = serializers.PrimaryKeyRelatedField(queryset=CuttingPattern.objects.select_related("input_item"))
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.filter(active=True))
    production_date = serializers.DateField()
    planned_input_lb = serializers.DecimalField(**LB)
    inputs = LotQuantitySerializer(many=True, required=False, max_length=200)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ProductionOrderPatchSerializer(StrictFieldsMixin, serializers.Serializer):
    production_date = serializers.DateField(required=False)
    planned_input_lb = serializers.DecimalField(required=False, **LB)
    inputs = LotQuantitySerializer(many=True, required=False, max_length=200)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=["released", "cancelled"], required=False)


class OutputActualSerializer(StrictFieldsMixin, serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    actual_lb = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    lot_code = serializers.CharField(max_length=60, required=False, allow_blank=True)
    use_by_date = serializers.DateField(required=False, allow_null=True)
    state = serializers.ChoiceField(choices=["chilled", "frozen"], required=False)


class ProductionCompleteSerializer(StrictFieldsMixin, serializers.Serializer):
    outputs = OutputActualSerializer(many=True, allow_empty=False, max_length=100)
    inputs = LotQuantitySerializer(many=True, required=False, allow_empty=False, max_length=200)


class TransferOrderCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    lane = serializers.PrimaryKeyRelatedField(
        queryset=TransferLane.objects.select_related("from_facility", "to_facility")
    )
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    quantity_lb = serializers.DecimalField(**LB)
    ship_date = serializers.DateField()
    lots = LotQuantitySerializer(many=True, required=False, max_length=200)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)


class TransferOrderPatchSerializer(StrictFieldsMixin, serializers.Serializer):
    ship_date = serializers.DateField(required=False)
    quantity_lb = serializers.DecimalField(required=False, **LB)
    lots = LotQuantitySerializer(many=True, required=False, max_length=200)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=["cancelled"], required=False)


class TransferShipSerializer(StrictFieldsMixin, serializers.Serializer):
    ship_date = serializers.DateField(required=False)
    lots = LotQuantitySerializer(many=True, required=False, allow_empty=False, max_length=200)


class TransferReceiveSerializer(StrictFieldsMixin, serializers.Serializer):
    received_date = serializers.DateField(required=False)


class LpRunAppliedSerializer(serializers.Serializer):
    """POST /lp-runs/{id}/apply/: the planned orders the run's plan rests on (new, or joined by it)."""

    run = serializers.IntegerField(source="run.pk")
    already_applied = serializers.BooleanField(help_text="The run was applied before: nothing new was planned.")
    production_orders = ProductionOrderSerializer(many=True)
    transfer_orders = TransferOrderSerializer(many=True)
