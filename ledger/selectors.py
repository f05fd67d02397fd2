"""Reads for the ledger: querysets with their joins applied, so list endpoints run a fixed query count."""

from django.db.models import Prefetch, QuerySet

from ledger.models import (
    Account,
    Bill,
    Invoice,
    JournalEntry,
    JournalLine,
    Payment,
    PaymentApplication,
    Period,
    Receipt,
    ReceiptApplication,
)


def account_list() -> QuerySet[Account]:
    return Account.objects.all()


def period_list() -> QuerySet[Period]:
    return Period.objects.all()


def journal_entry_list() -> QuerySet[JournalEntry]:
    return JournalEntry.objects.select_related("reversed_by").prefetch_related(
        Prefetch("lines", queryset=JournalLine.objects.order_by("id"))
    )


def invoice_list() -> QuerySet[Invoice]:
    return Invoice.objects.prefetch_related("lines")


def bill_list() -> QuerySet[Bill]:
    return Bill.objects.prefetch_related("lines")


def receipt_list() -> QuerySet[Receipt]:
    return Receipt.objects.prefetch_related(
        Prefetch("applications", queryset=ReceiptApplication.objects.order_by("id"))
    )


def payment_list() -> QuerySet[Payment]:
    return Payment.objects.prefetch_related(
        Prefetch("applications", queryset=PaymentApplication.objects.order_by("id"))
    )
