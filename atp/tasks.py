"""Celery tasks. They receive ids and run in the silo's schema (tenant-schemas-celery carries it)."""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import os
import tempfile
import time
from pathlib import Path

from celery.signals import worker_process_init
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cashsheet.api.tenancy import current_silo
from cashsheet.celery import app

logger = logging.getLogger(__name__)

# A planning run is offline work: generous, but still bounded so a worker never hangs on one.
PLAN_TIME_LIMIT_S = 300.0


def _solver(name: str):
    import pulp

    if name == "cbc":
        return pulp.PULP_CBC_CMD(msg=False, timeLimit=PLAN_TIME_LIMIT_S)
    return pulp.HiGHS(msg=False, timeLimit=PLAN_TIME_LIMIT_S)


def _files(problem) -> tuple[bytes, bytes]:
    """The problem as MPS and LP text, gzip-compressed (a planner's own tools read either)."""
    with tempfile.TemporaryDirectory() as folder:
        mps, lp = Path(folder) / "model.mps", Path(folder) / "model.lp"
        problem.writeMPS(str(mps))
        problem.writeLP(str(lp))
        return gzip.compress(mps.read_bytes()), gzip.compress(lp.read_bytes())


def plan_silo(*, network, today: dt.date, days: int, offsets: dict[int, int], name: str = "lp_run"):
    """Every component of the silo in one PuLP problem, with the current position filled in."""
    import pulp

    from atp import selectors
    from atp.engine.components import components
    from atp.engine.formulation import Formulation

    problem = pulp.LpProblem(name, pulp.LpMinimize)
    forms = []
    for comp in components(network):
        position = selectors.position_load(item_ids=set(comp.items), today=today, days=days)
        forms.append(
            Formulation(network, comp, days, placeholders=False, position=position, offsets=offsets, problem=problem)
        )
    return problem, forms


def _rows(network, forms, today: dt.date) -> tuple[list[dict], float]:
    """The plan: cuts, transfers, write-offs of expired stock and shortfalls, per date; and the penalty lb."""
    from atp.engine.formulation import P

    rows, penalised = [], 0.0

    def add(kind, t, **fields):
        rows.append({"kind": kind, "date": (today + dt.timedelta(days=t)).isoformat(), **fields})

    for form in forms:
        for var, pattern, fac, t in form.cuts:
            if (var.varValue or 0) >= 0.005:
                add("cut", t, facility_id=form.fac_code[fac], pattern=pattern.code,
                    imps_code=network.items[pattern.input_id].imps_code, lb=round(var.varValue, 2))  # fmt: skip
        for var, lane, item, t in form.moves:
            if (var.varValue or 0) >= 0.005:
                add("transfer", t, facility_id=form.fac_code[lane.from_id], to_facility_id=form.fac_code[lane.to_id],
                    imps_code=network.items[item].imps_code, lb=round(var.varValue, 2))  # fmt: skip
        for b, var in form.short.items():
            if (var.varValue or 0) >= 0.005:
                item, fac, t = form.unb(b)
                penalised += var.varValue
                add("shortfall", t, facility_id=form.fac_code[fac], imps_code=network.items[item].imps_code,
                    lb=round(var.varValue, 2))  # fmt: skip
        for (item, fac, u), (writeoff, slack) in form.keep_cols.items():
            for kind, var in (("writeoff", writeoff), ("shelf_life_shortfall", slack)):
                if (var.varValue or 0) >= 0.005:
                    penalised += var.varValue if kind != "writeoff" else 0.0
                    add(kind, u, facility_id=form.fac_code[fac], imps_code=network.items[item].imps_code,
                        lb=round(var.varValue, 2))  # fmt: skip
    rows.sort(key=lambda r: (r["date"], r["kind"], r["facility_id"], r.get("pattern", ""), r["imps_code"]))
    return rows, P * penalised


@app.task(name="atp.lp_run_execute", acks_late=True)
def lp_run_execute(run_id: int) -> None:
    """Solve the silo's whole-horizon plan through PuLP with the run's solver, store it and the model (MPS and
    LP), fire `lp_solve.complete`."""
    import pulp

    from atp.engine.cache import clock, days_for
    from atp.models import LpRun, LpRunStatus
    from atp.payloads import lp_run_payload
    from atp.selectors import network_load
    from webhooks.services import event_emit

    now = timezone.now()
    # Queued, or left "running" by a worker that died (the broker redelivers: acks_late) long enough ago that
    # it cannot still be solving. The conditional UPDATE lets exactly one delivery take the run.
    abandoned = Q(status=LpRunStatus.RUNNING, started_at__lt=now - dt.timedelta(seconds=2 * PLAN_TIME_LIMIT_S))
    updated = (
        LpRun.objects.filter(pk=run_id)
        .filter(Q(status=LpRunStatus.QUEUED) | abandoned)
        .update(status=LpRunStatus.RUNNING, started_at=now, updated_at=now)
    )
    if not updated:
        return  # another delivery has it, it finished, or it is gone
    started = time.perf_counter()
    run = LpRun.objects.get(pk=run_id)
    try:
        network = network_load()
        today, _local, offsets = clock(network)
        days = days_for(network, int(current_silo().atp_horizon_days))
        problem, forms = plan_silo(network=network, today=today, days=days, offsets=offsets, name=f"lp_run_{run_id}")
        run.plan_date = today
        run.model_mps, run.model_lp = _files(problem)
        status = problem.solve(_solver(run.solver))
        if status != pulp.LpStatusOptimal:
            raise RuntimeError(f"{run.solver} answered {pulp.LpStatus[status]}")
        rows, penalty = _rows(network, forms, today)
        run.status = LpRunStatus.SUCCEEDED
        # The plan's cost net of closing stock value, without the shortfall penalty (no request is open).
        run.objective = round(pulp.value(problem.objective) - penalty, 2)
        run.plan = {
            "rows": rows,
            "components": len(forms),
            "shortfall_lb": round(sum(r["lb"] for r in rows if r["kind"] == "shortfall"), 2),
        }
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, not retried forever
        logger.exception("LP run %s failed", run_id)
        run.status = LpRunStatus.FAILED
        run.error = f"{exc.__class__.__name__}: {exc}"
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        event_emit(event_type="lp_solve.complete", obj=lp_run_payload(run))


@worker_process_init.connect
def _prepare_models(**_kwargs) -> None:
    """A Celery worker process prepares ATP models at start only when told to: no task uses the warm engine
    today (atp.engine.warmup), and a model per silo in every Celery process would only cost memory."""
    if os.environ.get("CASHSHEET_ATP_PREPARE_IN_CELERY") != "1":
        return
    from atp.engine.warmup import prepare_at_start

    try:
        prepare_at_start()
    except Exception:  # noqa: BLE001 - a worker that could not prepare still runs its tasks
        logger.exception("ATP preparation at worker start failed")
