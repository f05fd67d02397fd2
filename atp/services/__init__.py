"""ATP services: check (a simulation), allocate (reserve a whole order with its plan, inside the caller's
transaction), release, the record of a check, and LP planning runs. Other apps call these; the API is a thin
layer over them."""

from atp.services.allocation import Allocation, AllocationRequest, AtpShortage, PlanStep, atp_allocate, atp_release
from atp.services.checks import AtpResult, atp_check
from atp.services.common import MAX_QUANTITY_LB, MAX_SHELF_LIFE_DAYS, atp_time_limit_floor
from atp.services.records import atp_check_record, lp_run_start

__all__ = [
    "MAX_QUANTITY_LB",
    "MAX_SHELF_LIFE_DAYS",
    "Allocation",
    "AllocationRequest",
    "AtpResult",
    "AtpShortage",
    "PlanStep",
    "atp_allocate",
    "atp_check",
    "atp_check_record",
    "atp_release",
    "atp_time_limit_floor",
    "lp_run_start",
]
