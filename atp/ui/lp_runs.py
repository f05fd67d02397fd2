"""LP runs: start one (lp_run_start, as POST /api/v2/lp-runs/), watch it go queued → running → succeeded or
failed (the page polls itself with htmx while the worker solves), read the plan, download it as CSV (the API's
columns and formula-safe cells)."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone

from atp import selectors, services
from atp.filters import LpRunFilterSet
from atp.models import LpRun, LpRunStatus, LpSolver
from cashsheet.api.csv import csv_row
from cashsheet.api.exceptions import DomainError
from cashsheet.ui.crud import Column, Resource
from cashsheet.ui.shortcuts import render_page, ui_view
from inventory import selectors as inventory

PLAN_COLUMNS = ["kind", "date", "facility_id", "to_facility_id", "pattern", "imps_code", "lb"]
SHOWN_ROWS = 500  # the page shows this many plan rows; the CSV has them all


class StartForm(forms.Form):
    solver = forms.ChoiceField(choices=LpSolver.choices, initial=LpSolver.HIGHS)


def _runs():
    return selectors.lp_run_list().defer("plan", "model_mps", "model_lp").select_related("requested_by")


lp_runs = Resource(
    key="lp-runs",
    singular="LP run",
    title="LP planning runs",
    model=LpRun,
    selector=_runs,
    columns=[
        Column("Run", "pk", order="id", link=True),
        Column("Status", "status"),
        Column("Solver", "solver"),
        Column("Started", "started_at"),
        Column("Took (ms)", "duration_ms", order="duration_ms", num=True),
        Column("Objective $", "objective", num=True),
        Column("By", "requested_by.username"),
    ],
    filterset_class=LpRunFilterSet,
    filter_names=("status",),
    ordering_fields=("created_at", "id", "duration_ms"),
    deactivate=False,
    add_url_name="ui-lp-runs-start",
)


@ui_view("atp.view_lprun", "atp.add_lprun")
def lp_run_start(request):
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                run = services.lp_run_start(solver=form.cleaned_data["solver"], user=request.user)
            messages.success(request, f"LP run {run.pk} queued.")
            return redirect("ui-lp-runs-detail", run.pk)
        except DomainError as exc:
            form.add_error("solver" if exc.field == "solver" else None, exc.detail)
    return render_page(request, "atp/lp_run_start.html", {"form": form})


def _plan_rows(run: LpRun) -> list[dict]:
    """The plan's rows with facility codes for reading (one query)."""
    rows = run.plan.get("rows", []) if isinstance(run.plan, dict) else []
    # The worker writes facility codes; a row holding an id is shown by its facility's code.
    ids = {v for r in rows[:SHOWN_ROWS] for k in ("facility_id", "to_facility_id") if isinstance(v := r.get(k), int)}
    codes = dict(inventory.facility_list().filter(pk__in=ids).values_list("pk", "code")) if ids else {}
    return [{**r, "facility": codes.get(r.get("facility_id"), r.get("facility_id")),
             "to_facility": codes.get(r.get("to_facility_id"), r.get("to_facility_id") or "")}
            for r in rows[:SHOWN_ROWS]]  # fmt: skip


@ui_view("atp.view_lprun", methods=("GET",))
def lp_run_detail(request, pk: int):
    run = get_object_or_404(selectors.lp_run_list().defer("model_mps", "model_lp"), pk=pk)
    pending = run.status in (LpRunStatus.QUEUED, LpRunStatus.RUNNING)
    rows = run.plan.get("rows", []) if isinstance(run.plan, dict) else []
    since = run.started_at or run.created_at
    context = {"run": run, "pending": pending, "plan": _plan_rows(run) if not pending else [],
               "plan_count": len(rows), "shown": SHOWN_ROWS,
               "elapsed_s": int((timezone.now() - since).total_seconds()) if pending else None}  # fmt: skip
    return render_page(request, "atp/lp_run.html", context, partial="atp/_lp_run.html")


@ui_view("atp.view_lprun", methods=("GET",))
def lp_run_csv(request, pk: int):
    run = get_object_or_404(selectors.lp_run_list().defer("model_mps", "model_lp"), pk=pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PLAN_COLUMNS)
    for row in run.plan.get("rows", []) if isinstance(run.plan, dict) else []:
        writer.writerow(csv_row(row.get(c) for c in PLAN_COLUMNS))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lp-run-{run.pk}-plan.csv"'
    return response


urlpatterns = [
    path("lp-runs/", ui_view("atp.view_lprun", methods=("GET",))(lp_runs.list_view), name="ui-lp-runs"),
    path("lp-runs/start/", lp_run_start, name="ui-lp-runs-start"),
    path("lp-runs/<int:pk>/", lp_run_detail, name="ui-lp-runs-detail"),
    path("lp-runs/<int:pk>/plan.csv", lp_run_csv, name="ui-lp-runs-csv"),
]
