"""ATP's payloads as plain dicts: the `atp.checked` and `lp_solve.complete` events' `data.object`, and the
API's bodies (POST /atp/check/ answers with `atp_check_payload`; LpRunSerializer renders `lp_run_payload`).

The check answer is numbers, not strings (the help page's example); an LP run follows the usual API
conventions (decimals as strings).
"""

from __future__ import annotations

from atp.models import LpRun
from cashsheet.api.rendering import date_str, datetime_str, money, number


def lp_run_payload(run: LpRun) -> dict:
    return {
        "id": run.pk,
        "status": run.status,
        "solver": run.solver,
        "horizon_days": run.horizon_days,
        "plan_date": date_str(run.plan_date),
        "objective": money(run.objective),
        "duration_ms": run.duration_ms,
        "error": run.error,
        "started_at": datetime_str(run.started_at),
        "finished_at": datetime_str(run.finished_at),
        "created_at": datetime_str(run.created_at),
        "updated_at": datetime_str(run.updated_at),
    }


def _source(source: dict) -> dict:
    return {
        "facility_id": source["facility_id"],
        "lb": number(source["lb"], 2),
        "on_hand_lb": number(source["on_hand_lb"], 2),
        "cut": [
            {
                "pattern": cut["pattern"],
                "input_imps_code": cut["input_imps_code"],
                "input_lb": number(cut["input_lb"], 2),
                "output_lb": number(cut["output_lb"], 2),
            }
            for cut in source["cut"]
        ],
        "transfers": [
            {
                "from_facility": move["from_facility"],
                "to_facility": move["to_facility"],
                "imps_code": move["imps_code"],
                "lb": number(move["lb"], 2),
                "lead_time_days": int(move["lead_time_days"]),
                "cost_per_lb": number(move["cost_per_lb"], 4),
            }
            for move in source["transfers"]
        ],
    }


def atp_check_payload(result) -> dict:
    """The answer to POST /atp/check/ (an atp.services.AtpResult), exactly as sent and stored with the check.

    `result` is not annotated: importing atp.services here would tie payloads and services in a circle.
    """
    return {
        "check_id": str(result.check_id),
        "result": result.result,
        "facility_id": result.facility_id,
        "imps_code": result.imps_code,
        "quantity_lb": number(result.quantity_lb, 2),
        "delivery_date": date_str(result.delivery_date),
        "available_lb": number(result.available_lb, 2),
        "marginal_price_per_lb": number(result.marginal_price_per_lb, 4),
        "source_facility": result.source_facility,
        "solver_latency_ms": number(result.solver_latency_ms, 2),
        "answered_from": result.answered_from,
        "sources": [_source(source) for source in result.sources],
        "earliest_date_full": date_str(result.earliest_date_full),
        "alternatives": [
            {
                "facility_id": alternative["facility_id"],
                "available_lb": number(alternative["available_lb"], 2),
                "marginal_price_per_lb": number(alternative["marginal_price_per_lb"], 4),
            }
            for alternative in result.alternatives
        ],
        "min_shelf_life_days": result.min_shelf_life_days,
    }
