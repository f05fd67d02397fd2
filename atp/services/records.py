"""Writes around checks and planning runs: the record of an answered check, queueing an LP run."""

from __future__ import annotations

from django.db import transaction

from atp.models import AtpCheck, LpRun, LpRunStatus, LpSolver
from atp.payloads import atp_check_payload
from atp.services.checks import AtpResult
from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.tenancy import current_silo
from inventory.models import Facility, Item


def atp_check_record(*, result: AtpResult, facility: Facility, item: Item, user=None) -> AtpCheck:
    """Store a check and emit `atp.checked`, in one transaction (run after the answer is sent)."""
    from webhooks.services import event_emit

    answer = atp_check_payload(result)  # exactly the body the caller received
    with transaction.atomic():
        check = AtpCheck.objects.create(
            id=result.check_id,
            facility=facility,
            item=item,
            quantity_lb=result.quantity_lb,
            delivery_date=result.delivery_date,
            result=result.result,
            available_lb=result.available_lb,
            marginal_price_per_lb=result.marginal_price_per_lb,
            source_facility_id=result.source_facility_pk,
            solver_latency_ms=result.solver_latency_ms,
            answer=answer,
            requested_by=user if user is not None and user.is_authenticated else None,
        )
        event_emit(event_type="atp.checked", obj=answer)
    return check


def lp_run_start(*, solver: str = LpSolver.HIGHS, user=None) -> LpRun:
    """Queue a planning run solved by `solver` (highs, the default, or cbc); the Celery task starts after this
    transaction commits."""
    from atp.tasks import lp_run_execute

    if solver not in LpSolver.values:
        raise InvalidInput(f"solver must be one of {', '.join(LpSolver.values)}.", field="solver")
    with transaction.atomic():
        run = LpRun.objects.create(
            horizon_days=current_silo().atp_horizon_days,
            solver=solver,
            status=LpRunStatus.QUEUED,
            requested_by=user if user is not None and user.is_authenticated else None,
        )
        transaction.on_commit(lambda: lp_run_execute.delay(run.pk))
    return run
