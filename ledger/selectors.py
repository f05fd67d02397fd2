"""Reads for the ledger: querysets with their joins applied, so list endpoints run a fixed query count."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

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


def role_balances(*, roles: tuple[str, ...], as_of: date | None = None) -> dict[tuple[str, int | None], Decimal]:
    """Debit-minus-credit balance of the accounts holding `roles`, per (role, facility dimension), up to
    `as_of` inclusive (all postings when None): one GROUP BY. Lines without a facility come under None."""
    lines = JournalLine.objects.filter(account__role__in=roles)
    if as_of is not None:
        lines = lines.filter(entry_date__lte=as_of)
    out: dict[tuple[str, int | None], Decimal] = {}
    for row in lines.values("account__role", "facility_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by():
        out[(row["account__role"], row["facility_id"])] = (row["d"] or Decimal("0.00")) - (row["c"] or Decimal("0.00"))
    return out
