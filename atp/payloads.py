"""Event payloads of the atp app (plain dicts built from models; webhooks knows no domain)."""

from __future__ import annotations

from atp.models import LpRun


def _iso(value):
    return value.isoformat() if value is not None else None


def lp_run_payload(run: LpRun) -> dict:
    """`lp_solve.complete`: the run's summary (its plan is read from GET /lp-runs/{id}/)."""
    return {
        "id": run.pk,
        "status": run.status,
        "solver": run.solver,
        "horizon_days": run.horizon_days,
        "plan_date": _iso(run.plan_date),
        "objective": None if run.objective is None else str(run.objective),
        "duration_ms": run.duration_ms,
        "error": run.error,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "created_at": _iso(run.created_at),
        "updated_at": _iso(run.updated_at),
    }
