"""Sales order serializers: a line names its item by id or by imps_code."""

from decimal import Decimal

from rest_framework import serializers

from cashsheet.api.serializers import StrictFieldsMixin
from inventory.models import Facility, Item
from parties.selectors import customer_list
from sales.models import (
    SALES_ORDER_TRANSITIONS,
    SalesOrder,
    SalesOrderAllocation,
    SalesOrderLine,
    SalesOrderLineLot,
)
from sales.payloads import sales_order_payload

MAX_LINE_LB = Decimal("1000000")  # a single line of more than 500 short tons is a typo, not an order


class SalesOrderAllocationSerializer(serializers.ModelSerializer):
    source_facility_code = serializers.CharField(source="source_facility.code", read_only=True)

    class Meta:
        model = SalesOrderAllocation
        fields = ["source_facility", "source_facility_code", "quantity_lb"]
        read_only_fields = fields


class SalesOrderLineLotSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    use_by_date = serializers.DateField(source="lot.use_by_date", read_only=True)
    facility_code = serializers.CharField(source="facility.code", read_only=True)

    class Meta:
        model = SalesOrderLineLot
        fields = ["lot", "lot_code", "use_by_date", "facility", "facility_code", "shipped_lb", "movement"]
        read_only_fields = fields


class SalesOrderLineSerializer(serializers.ModelSerializer):
    imps_code = serializers.CharField(source="item.imps_code", read_only=True)
    facility_code = serializers.CharField(source="facility.code", read_only=True)
    source_facility_code = serializers.CharField(source="source_facility.code", read_only=True, default=None)
    allocations = SalesOrderAllocationSerializer(many=True, read_only=True)
    lots = SalesOrderLineLotSerializer(many=True, read_only=True, help_text="Once shipped: the lots it took.")
    plan = serializers.JSONField(
        source="plan_json",
        read_only=True,
        help_text="The production and transfer orders its ATP answer relies on: [{kind, order, number, status, "
        "date, item, quantity_lb}]; shipping waits for them (409 work_not_done).",
    )

    class Meta:
        model = SalesOrderLine
        fields = [
            "id",
            "line_no",
            "item",
            "imps_code",
            "quantity_lb",
            "price_per_lb",
            "delivery_date",
            "facility",
            "facility_code",
            "shipped_lb",
            "amount",
            "source_facility",
            "source_facility_code",
            "marginal_price_per_lb",
            "allocations",
            "lots",
            "plan",
        ]
        read_only_fields = fields


class SalesOrderSerializer(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    facility_code = serializers.CharField(source="facility.code", read_only=True)
    lines = SalesOrderLineSerializer(many=True, read_only=True)
    allowed_next = serializers.SerializerMethodField()

    class Meta:
        model = SalesOrder
        fields = [
            "id",
            "number",
            "customer",
            "customer_code",
            "external_ref",
            "order_date",
            "delivery_date",
            "facility",
            "facility_code",
            "status",
            "allowed_next",
            "memo",
            "min_shelf_life_days",
            "total",
            "invoice",
            "lines",
            "confirmed_at",
            "shipped_at",
            "ship_date",
            "cancelled_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_allowed_next(self, order) -> list[str]:
        return list(SALES_ORDER_TRANSITIONS[order.status])

    def to_representation(self, instance):
        # One shape for GET and webhook events: sales/payloads.py (the fields above document it and a
        # test holds the two to each other).
        return sales_order_payload(instance)


class LineInputSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), required=False)
    imps_code = serializers.CharField(required=False, max_length=16)
    quantity_lb = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_LINE_LB
    )
    price_per_lb = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=Decimal("0"), required=False)
    delivery_date = serializers.DateField(required=False)
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), required=False)

    def validate(self, attrs):
        code = attrs.pop("imps_code", None)
        if code is not None:
            item = Item.objects.filter(imps_code__iexact=code.strip()).first()
            if item is None:
                raise serializers.ValidationError({"imps_code": [f"Unknown IMPS code '{code}'."]})
            if "item" in attrs and attrs["item"] != item:
                raise serializers.ValidationError({"imps_code": ["Does not match the item given by id."]})
            attrs["item"] = item
        if "item" not in attrs:
            raise serializers.ValidationError({"item": ["Give the item by id or by imps_code."]})
        if not attrs["item"].active:
            raise serializers.ValidationError({"item": [f"Item {attrs['item'].imps_code} is inactive."]})
        return attrs


class SalesOrderCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=customer_list())
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.filter(active=True))
    delivery_date = serializers.DateField()
    order_date = serializers.DateField(required=False)
    external_ref = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)
    min_shelf_life_days = serializers.IntegerField(
        min_value=0, max_value=3650, required=False, allow_null=True, help_text="Overrides the customer's."
    )
    status = serializers.ChoiceField(choices=["draft", "confirmed"], required=False, default="draft")
    lines = LineInputSerializer(many=True, allow_empty=False, max_length=500)

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        if not attrs.get("external_ref"):
            attrs["external_ref"] = None
        return attrs


class LotRefField(serializers.Field):
    """A lot by id (number) or by code (text): resolved against the line's item when shipping."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).strip():
            raise serializers.ValidationError("Give the lot's id or its code.")
        return data

    def to_representation(self, value):
        return value


class ShipLotSerializer(StrictFieldsMixin, serializers.Serializer):
    lot = LotRefField()
    shipped_lb = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))


class ShipLineSerializer(StrictFieldsMixin, serializers.Serializer):
    """{id, shipped_lb} (lots picked FEFO), {id, lot, shipped_lb} (one lot) or {id, lots: [{lot, shipped_lb}]}."""

    id = serializers.IntegerField()
    shipped_lb = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False)
    lot = LotRefField(required=False)
    lots = ShipLotSerializer(many=True, required=False, allow_empty=False, max_length=200)

    def validate(self, attrs):
        if "lot" in attrs and "lots" in attrs:
            raise serializers.ValidationError({"lot": ["Give lot or lots, not both."]})
        if "lot" in attrs:
            if "shipped_lb" not in attrs:
                raise serializers.ValidationError({"shipped_lb": ["Give the lot's shipped_lb."]})
            attrs["lots"] = [{"lot": attrs.pop("lot"), "shipped_lb": attrs["shipped_lb"]}]
        elif "lots" not in attrs and "shipped_lb" not in attrs:
            raise serializers.ValidationError({"shipped_lb": ["Give shipped_lb, or lots with theirs."]})
        return attrs


class SalesOrderPatchSerializer(StrictFieldsMixin, serializers.Serializer):
    """PATCH either edits a draft (header fields, lines) or moves the status (with shipped weights)."""

    status = serializers.ChoiceField(choices=["draft", "confirmed", "shipped", "invoiced", "cancelled"], required=False)
    ship_date = serializers.DateField(required=False)
    delivery_date = serializers.DateField(required=False)
    min_shelf_life_days = serializers.IntegerField(min_value=0, max_value=3650, required=False, allow_null=True)
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.filter(active=True), required=False)
    external_ref = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)
    lines = serializers.ListField(child=serializers.DictField(), required=False, allow_empty=False, max_length=500)

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        lines = attrs.get("lines")
        if lines is not None:
            # Shipping sends [{"id", "shipped_lb"}]; editing a draft sends full line inputs.
            child = ShipLineSerializer if attrs.get("status") == "shipped" else LineInputSerializer
            checked = child(data=lines, many=True)
            if not checked.is_valid():
                raise serializers.ValidationError({"lines": checked.errors})
            attrs["lines"] = checked.validated_data
        if "external_ref" in attrs and not attrs["external_ref"]:
            attrs["external_ref"] = None
        if "status" in attrs and set(attrs) - {"status", "lines", "ship_date"}:
            raise serializers.ValidationError({"status": ["Change the status alone (with lines when shipping)."]})
        if attrs.get("status") == "shipped" and "lines" not in attrs:
            raise serializers.ValidationError({"lines": ["Shipping needs the shipped_lb of every line."]})
        return attrs
