"""ATP endpoints: POST /atp/check/, GET /atp/checks/ (the record of past checks), /lp-runs/."""

from __future__ import annotations

import csv
import gzip
import io
import logging

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import renderers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from atp import selectors, services
from atp.api.serializers import (
    AtpCheckRecordSerializer,
    AtpCheckRequestSerializer,
    AtpCheckResponseSerializer,
    LpRunCreateSerializer,
    LpRunDetailSerializer,
    LpRunSerializer,
    PlannedStepSerializer,
)
from atp.engine import cache
from atp.filters import AtpCheckFilterSet, LpRunFilterSet, PlannedStepFilterSet
from atp.payloads import atp_check_payload
from cashsheet.api.csv import csv_row
from cashsheet.api.exceptions import Conflict
from cashsheet.api.viewsets import ReadOnlyResourceViewSet, ResourceViewSet

logger = logging.getLogger(__name__)

CHECK_REQUEST = OpenApiExample(
    "Check",
    value={"facility_id": "BLYTHE", "imps_code": "112A", "quantity_lb": 2400, "delivery_date": "2026-03-14"},
    request_only=True,
)
CHECK_RESPONSE = OpenApiExample(
    "Feasible",
    value={
        "check_id": "5b0c8f0e-6f0e-4a43-9a57-0b6f7c1f2d11",
        "result": "feasible",
        "facility_id": "BLYTHE",
        "imps_code": "112A",
        "quantity_lb": 2400,
        "delivery_date": "2026-03-14",
        "available_lb": 2400,
        "marginal_price_per_lb": 14.2,
        "source_facility": "BLYTHE",
        "solver_latency_ms": 3.1,
        "sources": [{"facility_id": "BLYTHE", "lb": 2400, "on_hand_lb": 2400, "cut": [], "transfers": []}],
        "earliest_date_full": None,
        "alternatives": [],
    },
    response_only=True,
)
CHECK_PARTIAL = OpenApiExample(
    "Partial",
    value={
        "check_id": "0e3b4c8a-1d1f-4b5e-8a35-2f1d6a9b7c20",
        "result": "partial",
        "facility_id": "BLYTHE",
        "imps_code": "112A",
        "quantity_lb": 2400,
        "delivery_date": "2026-03-14",
        "available_lb": 1200,
        "marginal_price_per_lb": 9.5,
        "source_facility": "BLYTHE",
        "solver_latency_ms": 6.4,
        "sources": [
            {
                "facility_id": "BLYTHE",
                "lb": 1200,
                "on_hand_lb": 0,
                "cut": [{"pattern": "103-TO-112A", "input_imps_code": "103", "input_lb": 3000, "output_lb": 1200}],
                "transfers": [],
            }
        ],
        "earliest_date_full": "2026-03-16",
        "alternatives": [{"facility_id": "OMAHA", "available_lb": 2400, "marginal_price_per_lb": 15.1}],
    },
    response_only=True,
)


# Not a ResourceViewSet: a simulation that writes nothing while answering (the check is recorded after
# the response is sent, in services.atp_check_record's own transaction).
class AtpCheckView(APIView):
    """Available to promise: can `quantity_lb` of an item be delivered at a facility on a date, from where,
    and at what marginal price. A simulation: nothing is reserved."""

    required_permissions = {"POST": ["atp.run_atpcheck"]}

    @extend_schema(
        summary="Check available to promise",
        tags=["atp"],
        request=AtpCheckRequestSerializer,
        responses={
            200: AtpCheckResponseSerializer,
            400: OpenApiResponse(description="Bad input; `errors[].field` names the field."),
            503: OpenApiResponse(description="The solver failed or ran out of its time limit; retry."),
        },
        examples=[CHECK_REQUEST, CHECK_RESPONSE, CHECK_PARTIAL],
        description=(
            "`result` is `feasible` (the full quantity), `partial` or `infeasible`. `marginal_price_per_lb` is "
            "the LP's shadow price of the delivery: what one more lb would add to the plan's cost (list value "
            "of stock consumed, processing and freight, net of co-products). For a partial or infeasible answer, "
            "`earliest_date_full` and `alternatives` (by facility) are filled. Numbers, not strings."
        ),
    )
    def post(self, request, *args, **kwargs):
        serializer = AtpCheckRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        builds = cache.STATS["request_builds"]
        result = services.atp_check(
            facility=data["facility"],
            item=data["item"],
            quantity_lb=data["quantity_lb"],
            delivery_date=data["delivery_date"],
            min_shelf_life_days=data.get("min_shelf_life_days"),
        )
        response = Response(atp_check_payload(result), status=status.HTTP_200_OK)
        # Models this answer had to build (0 once the worker is warm) and this worker's total: a timing-free
        # signal for tests and benchmarks that no cold build happened in a request.
        response["X-ATP-Model-Builds"] = str(cache.STATS["request_builds"] - builds)
        response["X-ATP-Worker-Request-Builds"] = str(cache.STATS["request_builds"])
        user = request.user

        def record() -> None:
            # Runs when the server closes the response, after the bytes are sent: the record and the
            # `atp.checked` event never delay the answer.
            try:
                services.atp_check_record(result=result, facility=data["facility"], item=data["item"], user=user)
            except Exception:  # noqa: BLE001 - the caller has its answer; log and keep serving
                logger.exception("could not record ATP check %s", result.check_id)
            try:
                # Idle time after the answer: prepare one more family's model, so no later check builds it.
                cache.prepare_next(budget=1)
            except Exception:  # noqa: BLE001
                logger.exception("could not prepare ATP models")

        response._resource_closers.append(record)
        return response


class PlanCsvRenderer(renderers.BaseRenderer):
    """`?format=csv` on an LP run: its plan rows, one per cut, transfer or shortfall."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    COLUMNS = ["kind", "date", "facility_id", "to_facility_id", "pattern", "imps_code", "lb"]

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("rows", []) if isinstance(data, dict) else data
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.COLUMNS)
        for row in rows or []:
            writer.writerow(csv_row(row.get(c) for c in self.COLUMNS))
        return out.getvalue().encode()


@extend_schema_view(
    list=extend_schema(summary="List ATP checks", tags=["atp"]),
    retrieve=extend_schema(summary="Read an ATP check", tags=["atp"]),
)
class AtpCheckRecordViewSet(ReadOnlyResourceViewSet):
    serializer_class = AtpCheckRecordSerializer
    filterset_class = AtpCheckFilterSet
    search_fields = ["facility__code", "item__imps_code", "result"]
    ordering_fields = ["created_at", "updated_at", "delivery_date", "solver_latency_ms"]

    def get_queryset(self):
        return selectors.atp_check_list()


@extend_schema_view(
    list=extend_schema(summary="List LP planning runs", tags=["lp-runs"]),
    retrieve=extend_schema(
        summary="Read an LP run with its plan",
        tags=["lp-runs"],
        description="`?format=csv` returns the plan as CSV (kind, date, facility_id, ..., lb).",
    ),
    create=extend_schema(
        summary="Start an LP planning run",
        tags=["lp-runs"],
        request=LpRunCreateSerializer,
        responses={202: LpRunSerializer},
        examples=[
            OpenApiExample(
                "Queued", value={"id": 7, "status": "queued", "solver": "highs", "horizon_days": 90}, response_only=True
            )
        ],  # fmt: skip
        description="Optimises the silo's cutting and transfer plan in a worker, through PuLP with `solver` "
        "(`highs`, the default, or `cbc`); `lp_solve.complete` fires at the end. The model it solved is at "
        "`model.mps` and `model.lp`.",
    ),
)
class LpRunViewSet(ResourceViewSet):
    http_method_names = ["get", "post", "head", "options"]
    created_status = status.HTTP_202_ACCEPTED  # the run is solved in a worker
    filterset_class = LpRunFilterSet
    search_fields = ["status", "error"]
    ordering_fields = ["created_at", "updated_at", "id", "status", "duration_ms"]
    renderer_classes = [renderers.JSONRenderer, PlanCsvRenderer]

    def get_queryset(self):
        return selectors.lp_run_list()

    def get_serializer_class(self):
        return LpRunDetailSerializer if self.action == "retrieve" else LpRunSerializer

    def retrieve(self, request, *args, **kwargs):
        run = self.get_object()
        if request.accepted_renderer.format == "csv":
            return Response(run.plan.get("rows", []))
        return Response(self.get_serializer(run).data)

    create_serializer_class = LpRunCreateSerializer

    def create_service(self, data):
        return services.lp_run_start(solver=data["solver"], user=self.request.user)


# Not a ResourceViewSet: a file download of one run's model, GET only.
class LpRunModelView(APIView):
    """GET /lp-runs/{id}/model.mps or model.lp: the LP the run solved, for a planner's own tools (names read as
    the plan: cut_<pattern>_<facility>_t<day>, move_..., inv_...; t0 is the run's plan_date)."""

    required_permissions = {"GET": ["atp.view_lprun"]}
    fmt = "mps"

    @extend_schema(summary="Download the model an LP run solved", tags=["lp-runs"],
                   responses={(200, "text/plain"): bytes, 404: OpenApiResponse(description="No such run."),
                              409: OpenApiResponse(description="The run has not built its model yet.")})  # fmt: skip
    def get(self, request, pk: int, *args, **kwargs):
        run = selectors.lp_run_list().filter(pk=pk).defer("plan").first()
        if run is None:
            from rest_framework.exceptions import NotFound

            raise NotFound("No LP run with this id.")
        blob = run.model_mps if self.fmt == "mps" else run.model_lp
        if not blob:
            raise Conflict(f"LP run {run.pk} is {run.status}; its model is not available.", run_status=run.status)
        response = HttpResponse(gzip.decompress(bytes(blob)), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="lp-run-{run.pk}.{self.fmt}"'
        return response


@extend_schema_view(
    list=extend_schema(
        summary="List planned steps (the cuts and transfers confirmed lines rely on)",
        tags=["atp"],
        description="Filter with `?source_type=sales_order_line&source_id=<line id>`; `?active=true` leaves out "
        "the steps of shipped or cancelled lines.",
    ),
    retrieve=extend_schema(summary="Read a planned step", tags=["atp"]),
)
class PlannedStepViewSet(ReadOnlyResourceViewSet):
    serializer_class = PlannedStepSerializer
    filterset_class = PlannedStepFilterSet
    ordering = ["source_type", "source_id", "date", "id"]
    ordering_fields = ["created_at", "updated_at", "id", "date", "source_id"]
    search_fields = ["facility__code", "pattern__code", "item__imps_code", "input_item__imps_code"]

    def get_queryset(self):
        return selectors.planned_step_list()
