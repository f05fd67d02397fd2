"""/lots/: GET, POST (an empty lot to receive into), PATCH (correct the label; hold or release with a reason)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers

from cashsheet.api.serializers import StrictFieldsMixin
from cashsheet.api.viewsets import ResourceViewSet
from inventory import selectors, services
from inventory.filters import LotFilterSet
from inventory.models import Facility, Item, Lot, LotBalance, LotOrigin, LotState
from inventory.payloads import lot_render
from parties.models import Vendor


class LotBalanceSerializer(serializers.Serializer):
    facility = serializers.IntegerField()
    facility_code = serializers.CharField()
    on_hand_lb = serializers.DecimalField(max_digits=12, decimal_places=2)


class LotHoldSerializer(serializers.Serializer):
    reason = serializers.CharField()
    held_at = serializers.DateTimeField()
    held_by = serializers.IntegerField(allow_null=True)
    released_at = serializers.DateTimeField(allow_null=True)
    release_reason = serializers.CharField()
    released_by = serializers.IntegerField(allow_null=True)


class LotSerializer(serializers.ModelSerializer):
    """A lot as read: its label, its lb today per facility it lies in, and its holds."""

    imps_code = serializers.CharField(source="item.imps_code")
    facility_code = serializers.CharField(source="facility.code")
    vendor_code = serializers.CharField(source="vendor.code", allow_null=True)
    on_hand_lb = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Today, all facilities.")
    balances = LotBalanceSerializer(many=True, help_text="Lb today per facility it lies in.")
    holds = LotHoldSerializer(many=True, help_text="Every hold, newest first.")

    class Meta:
        model = Lot
        fields = ["id", "code", "item", "imps_code", "facility", "facility_code", "origin", "vendor", "vendor_code"]
        fields += ["vendor_lot_code", "establishment_number", "pack_date", "kill_date", "use_by_date", "state"]
        fields += ["on_hand_lb", "balances", "on_hold", "hold_reason", "held_at", "holds", "unit_cost_per_lb"]
        fields += ["created_at", "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        return lot_render(instance)


class LotCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    code = serializers.CharField(max_length=60)
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all())
    origin = serializers.ChoiceField(
        choices=[LotOrigin.RECEIPT, LotOrigin.OPENING], default=LotOrigin.RECEIPT,
        help_text="Production lots are made by production.",
    )  # fmt: skip
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all(), required=False, allow_null=True)
    vendor_lot_code = serializers.CharField(max_length=60, required=False, allow_blank=True)
    establishment_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    pack_date = serializers.DateField()
    kill_date = serializers.DateField(required=False, allow_null=True)
    use_by_date = serializers.DateField(required=False, allow_null=True, help_text="Default: pack date + shelf life.")
    state = serializers.ChoiceField(choices=LotState.choices, default=LotState.CHILLED)
    unit_cost_per_lb = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal(0), required=False, allow_null=True
    )


class LotPatchSerializer(StrictFieldsMixin, serializers.Serializer):
    """Either label fields, or `on_hold` with its reason (hold_reason / release_reason), not both."""

    code = serializers.CharField(max_length=60, required=False)
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all(), required=False, allow_null=True)
    vendor_lot_code = serializers.CharField(max_length=60, required=False, allow_blank=True)
    establishment_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    pack_date = serializers.DateField(required=False)
    kill_date = serializers.DateField(required=False, allow_null=True)
    use_by_date = serializers.DateField(required=False, allow_null=True)
    state = serializers.ChoiceField(choices=LotState.choices, required=False)
    unit_cost_per_lb = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal(0), required=False, allow_null=True
    )
    on_hold = serializers.BooleanField(required=False)
    hold_reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    release_reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs):
        hold_keys = {"on_hold", "hold_reason", "release_reason"}
        if hold_keys & set(attrs):
            if "on_hold" not in attrs:
                raise serializers.ValidationError({"on_hold": ["Give on_hold (true or false) with the reason."]})
            if set(attrs) - hold_keys:
                raise serializers.ValidationError({"on_hold": ["Hold or release alone, not with other changes."]})
            reason_field = "hold_reason" if attrs["on_hold"] else "release_reason"
            if not (attrs.get(reason_field) or "").strip():
                raise serializers.ValidationError({reason_field: ["Give the reason (it stays on the lot's record)."]})
        elif not attrs:
            raise serializers.ValidationError({"non_field_errors": ["Nothing to change."]})
        return attrs


HOLD_EXAMPLE = OpenApiExample(
    "Hold a lot",
    value={"on_hold": True, "hold_reason": "Supplier notice: E. coli O157:H7 positive on N60 trim, lot 4471"},
    request_only=True,
)
RELEASE_EXAMPLE = OpenApiExample(
    "Release a lot", value={"on_hold": False, "release_reason": "Negative retest, lab report 26-1188"},
    request_only=True,
)  # fmt: skip
CREATE_EXAMPLE = OpenApiExample(
    "Lot received from a vendor",
    value={
        "code": "SH-26330-112A",
        "item": 5,
        "facility": 1,
        "vendor": 2,
        "vendor_lot_code": "4471-B",
        "establishment_number": "EST. 245C",
        "pack_date": "2026-11-26",
        "kill_date": "2026-11-24",
        "unit_cost_per_lb": "11.1000",
    },
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(summary="List lots", tags=["lots"]),
    retrieve=extend_schema(summary="Read a lot", tags=["lots"]),
    create=extend_schema(
        summary="Create a lot",
        tags=["lots"],
        request=LotCreateSerializer,
        responses={201: LotSerializer},
        examples=[CREATE_EXAMPLE],
        description=(
            "An empty lot, labelled; receipts (`POST /stock-movements/` with `lot`) add stock to it. `use_by_date` "
            "defaults to the pack date + the item's shelf life for the state. A code the item already has (any "
            "case) is a 409 with `existing_id`."
        ),
    ),
    partial_update=extend_schema(
        summary="Correct a lot, or hold or release it",
        tags=["lots"],
        request=LotPatchSerializer,
        responses={200: LotSerializer},
        examples=[HOLD_EXAMPLE, RELEASE_EXAMPLE],
        description=(
            '`{"on_hold": true, "hold_reason": ...}` holds the lot (nothing of it ships, transfers, goes into '
            'production or is promised by the ATP; event `lot.held`); `{"on_hold": false, "release_reason": ...}` '
            "releases it. Otherwise correct the label: a new pack date or state recomputes the use-by unless "
            "one is given; the code changes only while no stock has moved through the lot."
        ),
    ),
)
class LotViewSet(ResourceViewSet):
    serializer_class = LotSerializer
    filterset_class = LotFilterSet
    search_fields = ["code", "vendor_lot_code"]
    ordering_fields = ["created_at", "updated_at", "id", "code", "pack_date", "use_by_date"]

    create_serializer_class = LotCreateSerializer
    update_serializer_class = LotPatchSerializer

    def get_queryset(self):
        return selectors.lot_list()

    def create_service(self, data):
        return services.lot_create(**data)

    def update_service(self, lot, data):
        if "on_hold" not in data:
            return services.lot_update(lot=lot, **data)
        if data["on_hold"]:
            return services.lot_hold(lot=lot, reason=data["hold_reason"], actor=self.request.user)
        return services.lot_release(lot=lot, reason=data.get("release_reason", ""), actor=self.request.user)


class LotStockBalanceSerializer(serializers.ModelSerializer):
    """One lot at one facility: on-hand at the close of `as_of` and its value at the pair's average cost."""

    facility = serializers.IntegerField(source="facility_id")
    facility_code = serializers.CharField(source="facility.code")
    item = serializers.IntegerField(source="lot.item_id")
    imps_code = serializers.CharField(source="lot.item.imps_code")
    description = serializers.CharField(source="lot.item.description")
    lot = serializers.IntegerField(source="lot_id")
    lot_code = serializers.CharField(source="lot.code")
    pack_date = serializers.DateField(source="lot.pack_date")
    use_by_date = serializers.DateField(source="lot.use_by_date", allow_null=True)
    state = serializers.CharField(source="lot.state")
    on_hold = serializers.BooleanField(source="lot.on_hold")
    on_hand_lb = serializers.DecimalField(source="closing_lb", max_digits=12, decimal_places=2)
    value = serializers.SerializerMethodField()
    last_movement_date = serializers.DateField()

    class Meta:
        model = LotBalance
        fields = ["id", "facility", "facility_code", "item", "imps_code", "description", "lot", "lot_code"]
        fields += ["pack_date", "use_by_date", "state", "on_hold", "on_hand_lb", "value", "last_movement_date"]
        fields += ["created_at", "updated_at"]
        read_only_fields = fields

    def get_value(self, obj) -> str:
        return f"{self.context.get('values', {}).get(obj.pk, Decimal('0.00')):.2f}"
