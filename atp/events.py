"""The webhook event types ATP emits, with examples built by atp/payloads.py (no database access)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from atp.models import LpRun, LpRunStatus
from atp.payloads import atp_check_payload, lp_run_payload
from webhooks.events import EventType, event_types_register


def example_check() -> dict:
    from atp.services import AtpResult

    return atp_check_payload(
        AtpResult(
            result="feasible",
            facility_id="BLYTHE",
            imps_code="112A",
            quantity_lb=Decimal("2400.00"),
            delivery_date=date(2026, 3, 14),
            available_lb=Decimal("2400.00"),
            marginal_price_per_lb=Decimal("14.2000"),
            source_facility="BLYTHE",
            solver_latency_ms=Decimal("3.10"),
            answered_from="table",
            sources=[{"facility_id": "BLYTHE", "lb": 2400, "on_hand_lb": 2400, "cut": [], "transfers": []}],
            check_id=uuid.UUID("5b0c8f0e-6f0e-4a43-9a57-0b6f7c1f2d11"),
        )
    )


def example_run() -> dict:
    started = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    finished = datetime(2026, 3, 1, 2, 0, 4, 120000, tzinfo=UTC)
    run = LpRun(
        id=12, status=LpRunStatus.SUCCEEDED, horizon_days=90, objective=Decimal("-81234.50"), duration_ms=4120,
        started_at=started, finished_at=finished, created_at=started, updated_at=finished,
    )  # fmt: skip
    return lp_run_payload(run)


event_types_register(
    EventType("lp_solve.complete", "An LP planning run finished (succeeded or failed).", example_run),
    EventType("atp.checked", "An ATP check was answered.", example_check),
)
