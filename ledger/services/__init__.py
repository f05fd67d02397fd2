"""Ledger writes. Other apps call these (never the models directly); so do the API views and the seeder.

Every service joins the caller's transaction (``transaction.atomic``, never durable): sales and
operations post invoices, shipments and stock entries inside their own transactions. The durable
boundary is the top-level entry point's: for the API, ``cashsheet.api.viewsets.ServiceViewSet.write``,
whose one transaction also stores the request's Idempotency-Key outcome (cashsheet/api/idempotency.py),
so a committed write always has its record and a rolled-back one never does.
"""

from ledger.services.accounts import (
    account_create,
    account_delete,
    account_for_role,
    account_has_postings,
    account_update,
    chart_install,
)
from ledger.services.cash import payment_create, receipt_create
from ledger.services.documents import (
    bill_create,
    bill_post,
    bill_transition,
    bill_update,
    bill_void,
    invoice_create,
    invoice_post,
    invoice_transition,
    invoice_update,
    invoice_void,
)
from ledger.services.journal import (
    journal_entry_post,
    journal_entry_reverse,
    period_close,
    period_create,
    period_reopen,
)

__all__ = [
    "account_create",
    "account_delete",
    "account_for_role",
    "account_has_postings",
    "account_update",
    "bill_create",
    "bill_post",
    "bill_transition",
    "bill_update",
    "bill_void",
    "chart_install",
    "invoice_create",
    "invoice_post",
    "invoice_transition",
    "invoice_update",
    "invoice_void",
    "journal_entry_post",
    "journal_entry_reverse",
    "payment_create",
    "period_close",
    "period_create",
    "period_reopen",
    "receipt_create",
]
