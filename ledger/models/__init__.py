"""Ledger models: chart of accounts, periods, sequences, journal entries and the AR/AP documents.

Invariants live in the database (constraints named app_class_rule); services in ledger/services keep
documents, journal entries and events in step inside one transaction.
"""

from ledger.models.accounts import (
    INVENTORY_ROLES,
    Account,
    AccountRole,
    AccountType,
    NormalBalance,
    Period,
    PeriodStatus,
    Sequence,
)
from ledger.models.documents import (
    Bill,
    BillLine,
    DocumentStatus,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentApplication,
    PaymentMethod,
    Receipt,
    ReceiptApplication,
)
from ledger.models.journal import EntrySource, JournalEntry, JournalLine

__all__ = [
    "INVENTORY_ROLES",
    "Account",
    "AccountRole",
    "AccountType",
    "Bill",
    "BillLine",
    "DocumentStatus",
    "EntrySource",
    "Invoice",
    "InvoiceLine",
    "JournalEntry",
    "JournalLine",
    "NormalBalance",
    "Payment",
    "PaymentApplication",
    "PaymentMethod",
    "Period",
    "PeriodStatus",
    "Receipt",
    "ReceiptApplication",
    "Sequence",
]
