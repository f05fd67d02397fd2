"""GET /reports/ (the index) and GET /reports/{name}/ (JSON, or CSV with ?format=csv)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cashsheet.api.exceptions import DomainError
from ledger.api.renderers import ReportCSVRenderer
from ledger.reports import REPORTS, report_run


class ReportNotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


PARAMS = [
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="trial-balance, balance-sheet, ar-aging, ap-aging"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="income-statement, general-ledger"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="income-statement, general-ledger"),
    OpenApiParameter("account", OpenApiTypes.STR, description="general-ledger: account id or code"),
    OpenApiParameter("lot", OpenApiTypes.STR, description="trace, recall: lot id or code"),
    OpenApiParameter("direction", OpenApiTypes.STR, enum=["forward", "backward"], description="trace"),
    OpenApiParameter("sales_order", OpenApiTypes.STR, description="trace backward from a shipped order"),
    OpenApiParameter("movement", OpenApiTypes.INT, description="trace backward from a stock movement"),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv for spreadsheets and BI"),
]


class ReportViewSet(viewsets.ViewSet):
    renderer_classes = [JSONRenderer, ReportCSVRenderer]
    lookup_field = "name"
    lookup_value_regex = "[^/]+"

    @property
    def required_permissions(self):
        name = getattr(self, "kwargs", {}).get("name")
        if name is None:
            return {"GET": ["ledger.view_account"], "HEAD": ["ledger.view_account"]}
        perm = REPORTS[name][3] if name in REPORTS else None
        return {"GET": [perm] if perm else [], "HEAD": [perm] if perm else []}

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
        base = request.build_absolute_uri()
        base = base.split("?")[0]
        results = [
            {"name": name, "description": desc, "parameters": params, "url": f"{base}{name}/"}
            for name, (_, desc, params, _) in REPORTS.items()
        ]
        return Response({"count": len(results), "results": results})

    @extend_schema(
        summary="Run a report",
        tags=["reports"],
        operation_id="reports_run",
        parameters=PARAMS,
        responses={200: OpenApiTypes.OBJECT},
        description="Names: " + ", ".join(REPORTS) + ". Unknown name → 404 listing them; bad parameters → 400.",
    )
    def retrieve(self, request, name=None, *args, **kwargs):
        if name not in REPORTS:
            raise ReportNotFound(f"No report '{name}'. Available: {', '.join(REPORTS)}.", reports=list(REPORTS))
        return Response(report_run(name, request.query_params.dict()))
