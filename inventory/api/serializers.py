import zoneinfo
from decimal import Decimal

from rest_framework import serializers

from cashsheet.api.serializers import AddressSerializer, ResourceSerializer, StrictFieldsMixin
from inventory.models import (
    CuttingPattern,
    CuttingPatternOutput,
    Facility,
    Item,
    Lot,
    LotState,
    MovementKind,
    Process,
    StockBalance,
    StockMovement,
    TransferLane,
)
from parties.models import Vendor

TIMESTAMPS = ["id", "created_at", "updated_at"]


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise serializers.ValidationError("May not be blank.")
    return value


class FacilitySerializer(ResourceSerializer):
    address = AddressSerializer(required=False)
    breaking_capacity_lb = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False,
        help_text="Breaking (carcass to primals), lb of input per day.",
    )  # fmt: skip
    fabrication_capacity_lb = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False,
        help_text="Fabrication (primals to subprimals), lb of input per day.",
    )  # fmt: skip
    daily_capacity_lb = serializers.DecimalField(
        max_digits=13, decimal_places=2, read_only=True, help_text="Read-only: breaking + fabrication capacity."
    )

    class Meta:
        model = Facility
        fields = ["id", "code", "name", "address", "timezone", "can_break", "breaking_capacity_lb"]
        fields += ["fabrication_capacity_lb", "daily_capacity_lb", "active", "created_at", "updated_at"]
        read_only_fields = TIMESTAMPS
        validators: list = []
        extra_kwargs = {"code": {"validators": []}}

    def validate_code(self, value: str) -> str:
        value = _not_blank(value).upper()
        if not value.replace("_", "").replace("-", "").isalnum():
            raise serializers.ValidationError("Use letters, digits, '-' or '_' only, e.g. BLYTHE.")
        return value

    def validate_timezone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(f"'{value}' is not an IANA time zone, e.g. America/Chicago.")
        return value


class TransferLaneSerializer(ResourceSerializer):
    from_facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all())
    to_facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all())
    from_facility_code = serializers.CharField(source="from_facility.code", read_only=True)
    to_facility_code = serializers.CharField(source="to_facility.code", read_only=True)
    cost_per_lb = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=Decimal(0), required=False)

    class Meta:
        model = TransferLane
        fields = ["id", "from_facility", "from_facility_code", "to_facility", "to_facility_code"]
        fields += ["lead_time_days", "cost_per_lb", "active", "created_at", "updated_at"]
        read_only_fields = TIMESTAMPS
        validators: list = []


class ItemSerializer(ResourceSerializer):
    list_price_per_lb = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=Decimal(0), required=False)
    standard_cost_per_lb = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal(0), required=False
    )

    class Meta:
        model = Item
        fields = ["id", "imps_code", "description", "species", "category", "grade", "unit"]
        fields += ["list_price_per_lb", "standard_cost_per_lb", "shelf_life_days", "frozen_shelf_life_days"]
        fields += ["active", "created_at", "updated_at"]
        read_only_fields = [*TIMESTAMPS, "unit"]
        extra_kwargs = {
            "imps_code": {"validators": []},
            "shelf_life_days": {"min_value": 1, "max_value": 3650, "required": False},
            "frozen_shelf_life_days": {"min_value": 1, "max_value": 3650, "required": False},
        }
        validators: list = []

    def validate_imps_code(self, value: str) -> str:
        return _not_blank(value).upper()


class CuttingPatternOutputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    imps_code = serializers.CharField(source="item.imps_code", read_only=True)
    # Range checks (> 0, sum <= 1) are the service's, so every caller gets the same 400.
    yield_fraction = serializers.DecimalField(max_digits=6, decimal_places=5)

    class Meta:
        model = CuttingPatternOutput
        fields = ["item", "imps_code", "yield_fraction"]


class CuttingPatternSerializer(ResourceSerializer):
    input_item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    input_imps_code = serializers.CharField(source="input_item.imps_code", read_only=True)
    outputs = CuttingPatternOutputSerializer(many=True)
    facilities = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), many=True, required=False)
    processing_cost_per_lb = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal(0), required=False
    )
    process = serializers.ChoiceField(
        choices=Process.choices, required=False, help_text="Default: breaking for a carcass input, else fabrication."
    )
    lead_time_days = serializers.IntegerField(
        min_value=0,
        max_value=30,
        required=False,
        help_text="Default: 1 for breaking (the chill day), 0 for fabrication.",
    )
    yield_total = serializers.SerializerMethodField()

    class Meta:
        model = CuttingPattern
        fields = ["id", "code", "name", "input_item", "input_imps_code", "outputs", "yield_total", "process"]
        fields += ["lead_time_days", "processing_cost_per_lb", "facilities", "active", "created_at", "updated_at"]
        read_only_fields = TIMESTAMPS
        validators: list = []

    def get_yield_total(self, obj) -> str:
        return str(sum((o.yield_fraction for o in obj.outputs.all()), Decimal("0.00000")))

    def validate_code(self, value: str) -> str:
        return _not_blank(value).upper()


class StockMovementSerializer(serializers.ModelSerializer):
    """A movement as read: one lot, one facility, signed by `direction`."""

    facility_code = serializers.CharField(source="facility.code", read_only=True)
    imps_code = serializers.CharField(source="item.imps_code", read_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    use_by_date = serializers.DateField(source="lot.use_by_date", read_only=True, allow_null=True)

    class Meta:
        model = StockMovement
        fields = ["id", "facility", "facility_code", "item", "imps_code", "lot", "lot_code", "use_by_date"]
        fields += ["kind", "direction", "quantity_lb", "effective_date", "unit_cost_per_lb", "value", "memo"]
        fields += ["lane", "transfer_pair", "source_type", "source_id", "created_at", "updated_at"]
        read_only_fields = fields


class StockMovementPostedSerializer(StockMovementSerializer):
    """The POST answer: the first movement written, and `movements`, every one (one per lot; transfer legs)."""

    movements = serializers.SerializerMethodField()

    class Meta(StockMovementSerializer.Meta):
        fields = [*StockMovementSerializer.Meta.fields, "movements"]
        read_only_fields = fields

    def get_movements(self, obj) -> list[dict]:
        return [StockMovementSerializer(m).data for m in self.context["movements"]]


class MovementLotSerializer(StrictFieldsMixin, serializers.Serializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.select_related("item", "facility"), required=False)
    lot_code = serializers.CharField(max_length=60, required=False)
    quantity_lb = serializers.DecimalField(max_digits=12, decimal_places=2)


class StockMovementCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """The POST body: one movement, an outbound one over named lots or FEFO, or a transfer's two legs."""

    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all())
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    kind = serializers.ChoiceField(choices=MovementKind.choices)
    direction = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only for kind=adjustment: 1 into stock, -1 out of stock."
    )
    # Range checks are the service's (one 400 for every caller); the field only parses the decimal.
    quantity_lb = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, help_text="Optional when `lots` gives each lot's lb."
    )
    effective_date = serializers.DateField()
    lot = serializers.PrimaryKeyRelatedField(
        queryset=Lot.objects.select_related("item", "facility"),
        required=False,
        help_text="The lot (id) to add to or take from. Outbound without a lot: picked first-expired-first-out.",
    )
    lot_code = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="Or the lot by its code (of this item). A receipt naming a new code creates that lot.",
    )
    lots = MovementLotSerializer(
        many=True,
        required=False,
        allow_empty=False,
        help_text="Outbound over several named lots: [{lot, quantity_lb}].",
    )
    pack_date = serializers.DateField(required=False, help_text="Receipts into a new lot: default the receipt date.")
    use_by_date = serializers.DateField(required=False, help_text="Receipts into a new lot: default the shelf life.")
    kill_date = serializers.DateField(required=False)
    state = serializers.ChoiceField(choices=LotState.choices, required=False)
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all(), required=False)
    vendor_lot_code = serializers.CharField(max_length=60, required=False, allow_blank=True)
    establishment_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    unit_cost_per_lb = serializers.DecimalField(max_digits=12, decimal_places=4, required=False, allow_null=True)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)
    to_facility = serializers.PrimaryKeyRelatedField(
        queryset=Facility.objects.all(),
        required=False,
        help_text="For kind=transfer_out: the destination; its lane gives the in leg's date.",
    )


class StockBalanceSerializer(serializers.ModelSerializer):
    """One facility and item: on-hand and value at the close of `as_of` (from the kept day table)."""

    facility = serializers.IntegerField(source="facility_id")
    facility_code = serializers.CharField(source="facility.code")
    item = serializers.IntegerField(source="item_id")
    imps_code = serializers.CharField(source="item.imps_code")
    description = serializers.CharField(source="item.description")
    on_hand_lb = serializers.DecimalField(source="closing_lb", max_digits=12, decimal_places=2)
    value = serializers.DecimalField(source="closing_value", max_digits=14, decimal_places=2)
    avg_cost_per_lb = serializers.DecimalField(
        max_digits=12, decimal_places=4, help_text="Current weighted average cost (not as of the date)."
    )
    last_movement_date = serializers.DateField()

    class Meta:
        model = StockBalance
        fields = ["id", "facility", "facility_code", "item", "imps_code", "description", "on_hand_lb", "value"]
        fields += ["avg_cost_per_lb", "last_movement_date", "created_at", "updated_at"]
        read_only_fields = fields
