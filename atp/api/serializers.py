"""ATP request/response shapes. The check endpoint answers numbers (the help page's example), not strings."""

from rest_framework import serializers

from atp import selectors
from atp.models import AtpCheck, LpRun, LpSolver, PlannedStep
from atp.payloads import lp_run_payload
from atp.services import MAX_QUANTITY_LB, MAX_SHELF_LIFE_DAYS
from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.serializers import ResourceSerializer, StrictFieldsMixin


class AtpCheckRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    facility_id = serializers.CharField(max_length=20, help_text="The facility code, e.g. BLYTHE.")
    imps_code = serializers.CharField(max_length=16, help_text="The item's USDA IMPS code, e.g. 112A.")
    quantity_lb = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=MAX_QUANTITY_LB, help_text="lb, > 0."
    )
    delivery_date = serializers.DateField(
        help_text="From today (the facility's local date) to today + the silo's ATP horizon."
    )
    min_shelf_life_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_SHELF_LIFE_DAYS,
        help_text="The customer's minimum remaining shelf life at delivery: only stock that keeps until "
        "delivery_date + this many days is promised. Overrides `customer_id`'s.",
    )
    customer_id = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=32,
        help_text="The customer (id or code) the delivery is for: their `min_shelf_life_days` applies unless "
        "`min_shelf_life_days` is given.",
    )

    def validate_quantity_lb(self, value):
        if value <= 0:
            raise serializers.ValidationError("Must be greater than 0.")
        return value

    def validate(self, attrs):
        facility, item = selectors.check_targets(facility_code=attrs["facility_id"], imps_code=attrs["imps_code"])
        if facility is None:
            raise InvalidInput(f"Unknown or inactive facility {attrs['facility_id']!r}.", field="facility_id")
        if item is None:
            raise InvalidInput(f"Unknown or inactive IMPS code {attrs['imps_code']!r}.", field="imps_code")
        raw = attrs.get("customer_id")
        if raw not in (None, "") and attrs.get("min_shelf_life_days") is None:
            customer = selectors.customer_by_id_or_code(str(raw))
            if customer is None:
                raise InvalidInput(f"Unknown or inactive customer {raw!r}.", field="customer_id")
            attrs = {**attrs, "min_shelf_life_days": customer.min_shelf_life_days}
        return {**attrs, "facility": facility, "item": item}


def _number(**kwargs):
    return serializers.DecimalField(max_digits=14, coerce_to_string=False, **kwargs)


class AtpCutSerializer(serializers.Serializer):
    pattern = serializers.CharField()
    input_imps_code = serializers.CharField()
    input_lb = _number(decimal_places=2)
    output_lb = _number(decimal_places=2)


class AtpTransferSerializer(serializers.Serializer):
    from_facility = serializers.CharField()
    to_facility = serializers.CharField()
    imps_code = serializers.CharField()
    lb = _number(decimal_places=2)
    lead_time_days = serializers.IntegerField()
    cost_per_lb = _number(decimal_places=4)


class AtpSourceSerializer(serializers.Serializer):
    facility_id = serializers.CharField()
    lb = _number(decimal_places=2)
    on_hand_lb = _number(decimal_places=2)
    cut = AtpCutSerializer(many=True)
    transfers = AtpTransferSerializer(many=True)


class AtpAlternativeSerializer(serializers.Serializer):
    facility_id = serializers.CharField()
    available_lb = _number(decimal_places=2)
    marginal_price_per_lb = _number(decimal_places=4, allow_null=True)


class AtpCheckResponseSerializer(serializers.Serializer):
    check_id = serializers.UUIDField()
    result = serializers.ChoiceField(choices=["feasible", "partial", "infeasible"])
    facility_id = serializers.CharField()
    imps_code = serializers.CharField()
    quantity_lb = _number(decimal_places=2)
    delivery_date = serializers.DateField()
    available_lb = _number(decimal_places=2)
    marginal_price_per_lb = _number(decimal_places=4, allow_null=True)
    source_facility = serializers.CharField(allow_null=True)
    solver_latency_ms = _number(decimal_places=2)
    answered_from = serializers.ChoiceField(
        choices=["table", "lp"], help_text="`table`: the published price table (tier 1); `lp`: a warm re-solve."
    )
    sources = AtpSourceSerializer(many=True)
    earliest_date_full = serializers.DateField(allow_null=True, required=False)
    alternatives = AtpAlternativeSerializer(many=True, required=False)
    min_shelf_life_days = serializers.IntegerField(allow_null=True, required=False)


class LpRunCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    solver = serializers.ChoiceField(
        choices=LpSolver.choices, default=LpSolver.HIGHS, help_text="highs (default) or cbc, both through PuLP."
    )


class LpRunSerializer(ResourceSerializer):
    class Meta:
        model = LpRun
        fields = [
            "id",
            "status",
            "solver",
            "horizon_days",
            "plan_date",
            "objective",
            "duration_ms",
            "error",
            "started_at",
            "finished_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        return lp_run_payload(instance)  # one shape for GET and lp_solve.complete (atp/payloads.py)


class LpPlanRowSerializer(serializers.Serializer):
    """One row of an LP run's plan (atp.tasks._rows); the schema only: the plan is stored as built. Every row
    has kind, date, facility_id, imps_code and lb; a transfer adds to_facility_id, a cut its pattern."""

    optional_fields = ("to_facility_id", "pattern")

    kind = serializers.ChoiceField(choices=["cut", "transfer", "shortfall", "writeoff", "shelf_life_shortfall"])
    date = serializers.DateField()
    facility_id = serializers.CharField(help_text="Facility code: where it happens (a transfer's origin).")
    to_facility_id = serializers.CharField(required=False, help_text="Transfers only: the destination's code.")
    pattern = serializers.CharField(required=False, help_text="Cuts only: the cutting pattern's code.")
    imps_code = serializers.CharField(help_text="The item cut, moved, written off or short.")
    lb = serializers.FloatField()


class LpPlanSerializer(serializers.Serializer):
    """A succeeded run's plan; `{}` while the run is queued or running, or when it failed."""

    optional_keys = True  # the schema's response rule (cashsheet/api/openapi.py): no key is always there
    rows = LpPlanRowSerializer(many=True, required=False)
    components = serializers.IntegerField(required=False, help_text="Independent sub-networks solved.")
    shortfall_lb = serializers.FloatField(required=False)


class LpRunDetailSerializer(LpRunSerializer):
    plan = LpPlanSerializer(read_only=True)

    class Meta(LpRunSerializer.Meta):
        fields = [*LpRunSerializer.Meta.fields, "plan"]
        read_only_fields = fields

    def to_representation(self, instance):
        return {**lp_run_payload(instance), "plan": instance.plan}


class AtpCheckRecordSerializer(serializers.ModelSerializer):
    facility_id = serializers.CharField(source="facility.code")
    imps_code = serializers.CharField(source="item.imps_code")
    source_facility = serializers.CharField(source="source_facility.code", allow_null=True, default=None)

    class Meta:
        model = AtpCheck
        fields = [
            "id",
            "facility_id",
            "imps_code",
            "quantity_lb",
            "delivery_date",
            "result",
            "available_lb",
            "marginal_price_per_lb",
            "source_facility",
            "solver_latency_ms",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PlannedStepSerializer(serializers.ModelSerializer):
    """One cut or transfer a confirmed line relies on (ids, plus codes to read it by)."""

    facility_code = serializers.CharField(source="facility.code")
    pattern_code = serializers.CharField(source="pattern.code", allow_null=True, default=None)
    input_imps_code = serializers.CharField(source="input_item.imps_code", allow_null=True, default=None)
    output_imps_code = serializers.CharField(source="output_item.imps_code", allow_null=True, default=None)
    imps_code = serializers.CharField(source="item.imps_code", allow_null=True, default=None)
    to_facility_code = serializers.CharField(source="lane.to_facility.code", allow_null=True, default=None)

    class Meta:
        model = PlannedStep
        fields = [
            "id",
            "source_type",
            "source_id",
            "kind",
            "facility",
            "facility_code",
            "date",
            "pattern",
            "pattern_code",
            "input_item",
            "input_imps_code",
            "input_lb",
            "output_item",
            "output_imps_code",
            "output_lb",
            "lane",
            "to_facility_code",
            "item",
            "imps_code",
            "lb",
            "released_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
