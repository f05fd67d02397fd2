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
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
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


class ReportSchema(AutoSchema):
    """The run endpoint's query parameters are those of every registered report, read at schema time."""

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
        responses={200: OpenApiTypes.OBJECT},
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
        responses={200: OpenApiTypes.OBJECT},
        description="The names and their parameters are listed at GET /reports/. Unknown name → 404 listing "
        "them; bad or unknown parameters → 400 naming the parameter.",
    )
    def retrieve(self, request, name=None, *args, **kwargs):
        available = reports()
        if name not in available:
            raise ReportNotFound(f"No report '{name}'. Available: {', '.join(available)}.", reports=list(available))
        return Response(report_run(name, request.query_params.dict()))
