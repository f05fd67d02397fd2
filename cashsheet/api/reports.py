"""The reports registry: GET /reports/ (the index) and GET /reports/{name}/ (JSON, or CSV with ?format=csv).

Reports belong to their apps (ledger's statements, inventory's trace, operations' valuation): each app
registers its reports from its own `reports.py` with `report_register`, and this module serves them all
with the same conventions: per-report permission, unknown parameters 400 naming the first one, errors
JSON whatever the format, `?format=csv` with the report's `columns` as header. A report is a function
from the query parameters to {"report", "params", "columns", "rows", "totals", ...}.

The apps' `reports` modules are imported on first use (like the admin's `admin.py`), so this module
names no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cashsheet.api.exceptions import DomainError, InvalidInput
from cashsheet.api.renderers import ReportCSVRenderer


@dataclass(frozen=True)
class Report:
    name: str  # the URL segment, e.g. "trial-balance"
    run: Callable[[dict], dict]
    description: str
    parameters: dict[str, str]  # name -> what it takes, shown in the index and the schema
    permission: str  # "app_label.codename" a caller needs to run it


_REGISTRY: dict[str, Report] = {}
_discovered = False


def report_register(*reports: Report) -> None:
    for report in reports:
        existing = _REGISTRY.get(report.name)
        if existing is not None and existing != report:
            raise ValueError(f"report {report.name!r} is registered twice")
        _REGISTRY[report.name] = report


def reports() -> dict[str, Report]:
    """Every registered report by name, in registration order."""
    global _discovered
    if not _discovered:
        autodiscover_modules("reports")
        _discovered = True
    return _REGISTRY


def report_run(name: str, params: dict) -> dict:
    report = reports()[name]
    unknown = sorted(set(params) - set(report.parameters) - {"format"})
    if unknown:
        raise InvalidInput(
            f"Unknown parameter '{unknown[0]}' for {name}; use {', '.join(sorted(report.parameters))}.",
            field=unknown[0],
        )
    return report.run(params)


class ReportNotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


# What the document says a report answers (for the schema only; reports build plain dicts). Every report has
# the same envelope; its rows' keys are its `columns`, in order, and `?format=csv` is those columns.
_CELL = {
    "nullable": True,
    "anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
    "description": "A cell: money and weights as decimal strings, counts as numbers, dates as ISO strings.",
}


@extend_schema_field({"type": "object", "additionalProperties": _CELL, "description": "One row, keyed by `columns`."})
class _RowField(serializers.DictField):
    pass


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"nullable": True, "anyOf": [_CELL, {"type": "object"}]},
        "description": "The report's totals by name (e.g. `debit`, `credit`; `assets`, `liabilities`).",
    }
)
class _TotalsField(serializers.DictField):
    pass


@extend_schema_field({"type": "object", "additionalProperties": _CELL})
class _ParamsField(serializers.DictField):
    pass


class ReportInfoSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The URL segment, e.g. `trial-balance`.")
    description = serializers.CharField()
    parameters = serializers.DictField(child=serializers.CharField(), help_text="Parameter name → what it takes.")
    url = serializers.URLField()


class ReportIndexSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReportInfoSerializer(many=True)


class ReportResultSerializer(serializers.Serializer):
    """A report's answer. Reports add context keys of their own beside these (e.g. `balanced`, `account`)."""

    report = serializers.CharField(help_text="The report's name.")
    params = _ParamsField(help_text="The parameters it ran with, defaults filled in.")
    columns = serializers.ListField(child=serializers.CharField(), help_text="The rows' keys, in CSV order.")
    rows = serializers.ListField(child=_RowField())
    totals = _TotalsField(allow_null=True)


class ReportSchema(AutoSchema):
    """The run endpoint's query parameters are those of every registered report, read at schema time."""

    def _is_list_view(self, serializer=None):
        return False  # the index is its own envelope (ReportIndexSerializer), not a list of rows

    def get_override_parameters(self):
        if self.method != "GET" or "name" not in self.path:
            return super().get_override_parameters()
        used: dict[str, list[str]] = {}
        for report in reports().values():
            for param in report.parameters:
                used.setdefault(param, []).append(report.name)
        params = [
            OpenApiParameter(param, OpenApiTypes.STR, description=", ".join(names)) for param, names in used.items()
        ]
        fmt = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv for spreadsheets")
        return [*params, fmt]


class ReportViewSet(viewsets.ViewSet):
    # Not a ResourceViewSet: reports are computed, not rows; GET only, a permission per report.
    renderer_classes = [JSONRenderer, ReportCSVRenderer]
    lookup_field = "name"
    lookup_value_regex = "[^/]+"
    schema = ReportSchema()

    @property
    def required_permissions(self):
        name = getattr(self, "kwargs", {}).get("name")
        if name is None:
            return {"GET": [], "HEAD": []}  # the index: any signed-in user may see what exists
        report = reports().get(name)
        perms = [report.permission] if report else []
        return {"GET": perms, "HEAD": perms}

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON whatever format was asked for: a client must always be able to read why.
        if response.status_code >= 400 and isinstance(getattr(request, "accepted_renderer", None), ReportCSVRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and isinstance(request.accepted_renderer, ReportCSVRenderer):
            name = kwargs.get("name", "reports")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response

    @extend_schema(
        summary="List the available reports and their parameters",
        tags=["reports"],
        operation_id="reports_list",
        responses={200: ReportIndexSerializer},
    )
    def list(self, request, *args, **kwargs):
        base = request.build_absolute_uri().split("?")[0]
        results = [
            {"name": r.name, "description": r.description, "parameters": r.parameters, "url": f"{base}{r.name}/"}
            for r in reports().values()
        ]
        return Response({"count": len(results), "next": None, "previous": None, "results": results})

    @extend_schema(
        summary="Run a report",
        tags=["reports"],
        operation_id="reports_run",
        responses={200: ReportResultSerializer},
        description="The names and their parameters are listed at GET /reports/. Unknown name → 404 listing "
        "them; bad or unknown parameters → 400 naming the parameter.",
    )
    def retrieve(self, request, name=None, *args, **kwargs):
        available = reports()
        if name not in available:
            raise ReportNotFound(f"No report '{name}'. Available: {', '.join(available)}.", reports=list(available))
        return Response(report_run(name, request.query_params.dict()))
