"""Reports in the silo UI: every report of cashsheet.api.reports (the same registry, functions, parameters and
per-report permission as GET /api/v2/reports/{name}/), with date pickers, a table, a CSV download and, where
an app registered one (cashsheet.ui.charts), a chart."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse

from cashsheet.api.csv import csv_row
from cashsheet.api.exceptions import DomainError
from cashsheet.api.reports import report_run, reports
from cashsheet.ui.charts import chart_for
from cashsheet.ui.shortcuts import render_page, ui_view


def _kind(name: str, description: str) -> str:
    return "date" if description.startswith("date") or name in ("as_of", "from", "to") else "text"


@ui_view(methods=("GET",))
def report_index(request):
    rows = [r for r in reports().values() if request.user.has_perm(r.permission)]
    return render_page(request, "ui/reports/index.html", {"reports": rows})


@ui_view(methods=("GET",))
def report_page(request, name: str):
    report = reports().get(name)
    if report is None:
        raise Http404
    if not request.user.has_perm(report.permission):
        raise PermissionDenied
    params = {k: v.strip() for k, v in request.GET.items() if k in report.parameters and v.strip()}
    fields = [
        {"name": p, "help": text, "kind": _kind(p, text), "value": params.get(p, "")}
        for p, text in report.parameters.items()
    ]
    result = error = None
    try:
        result = report_run(name, params)
    except DomainError as exc:
        error = {"field": exc.field, "detail": exc.detail}
    if result is not None and request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.writer(response)
        writer.writerow(result["columns"])
        for row in result["rows"]:
            writer.writerow(csv_row(row.get(c) for c in result["columns"]))
        return response
    for f in fields:  # the dates the report used, so the pickers show them
        if result and not f["value"] and f["name"] in result.get("params", {}):
            f["value"] = result["params"][f["name"]] or ""
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        "report": report,
        "fields": fields,
        "result": result,
        "error": error,
        "rows": [[row.get(c) for c in result["columns"]] for row in result["rows"]] if result else [],
        "chart": chart_for(name, result, params) if result else None,
        "csv_query": query.urlencode(),
    }
    return render_page(request, "ui/reports/report.html", context)
