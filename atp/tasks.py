"""Celery tasks. They receive ids and run in the silo's schema (tenant-schemas-celery carries it)."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cashsheet.api.tenancy import current_silo
from cashsheet.celery import app

logger = logging.getLogger(__name__)

# A planning run is offline work: generous, but still bounded so a worker never hangs on one.
PLAN_TIME_LIMIT_S = 300.0


@app.task(name="atp.lp_run_execute", acks_late=True)
def lp_run_execute(run_id: int) -> None:
    """Solve the silo's whole-horizon plan (every item family), store it, fire `lp_solve.complete`."""
    from atp import selectors
    from atp.engine.cache import families
    from atp.engine.model import AtpModel, M, P
    from atp.models import LpRun, LpRunStatus
    from atp.payloads import lp_run_payload
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
    today = timezone.localdate()
    days = int(current_silo().atp_horizon_days) + 1
    try:
        network = selectors.network_load()
        objective, rows, seen = 0.0, [], set()
        for family in families(network).values():
            if family in seen:
                continue
            seen.add(family)
            model = AtpModel(network, set(family), days)
            model.position_apply(selectors.position_load(item_ids=set(family), today=today, days=days), ())
            family_objective, family_rows = model.plan(PLAN_TIME_LIMIT_S)
            shortfall = sum(r["lb"] for r in family_rows if r["kind"] == "shortfall")
            objective += family_objective - P * shortfall
            rows.extend(family_rows)
        assert M < P  # the penalty above is the only non-cost term in the objective (no request is open)
        for row in rows:
            row["date"] = (today + dt.timedelta(days=row.pop("day"))).isoformat()
            row["lb"] = round(float(row["lb"]), 2)
        rows.sort(key=lambda r: (r["date"], r["kind"], r["facility_id"], r.get("pattern", ""), r["imps_code"]))
        run.status = LpRunStatus.SUCCEEDED
        run.objective = round(objective, 2)
        run.plan = {
            "rows": rows,
            "families": len(seen),
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
