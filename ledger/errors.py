"""Ledger domain errors. The shared handler renders them; extra keyword context becomes response keys."""

from rest_framework import status

from cashsheet.api.exceptions import Conflict, DomainError, InvalidInput, InvalidTransition


class UnbalancedEntry(InvalidInput):
    code = "unbalanced"


class PeriodClosed(Conflict):
    code = "period_closed"


class AccountInUse(Conflict):
    code = "account_in_use"


class Overapplied(InvalidInput):
    code = "overapplied"


class RoleMissing(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "role_missing"


__all__ = [
    "AccountInUse",
    "Conflict",
    "InvalidInput",
    "InvalidTransition",
    "Overapplied",
    "PeriodClosed",
    "RoleMissing",
    "UnbalancedEntry",
]
