"""Receipts (money in from customers) and payments (money out to vendors), applied to open documents.

Applied documents are locked in pk order before their balances are read, so two receipts racing for
one invoice serialise and the second sees the first's payment: an invoice is never overpaid.
"""

from __future__ import annotations

from datetime import date as Date  # noqa: N812 - the services take a keyword named `date`
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from ledger import locks, selectors
from ledger.errors import InvalidInput, InvalidTransition, Overapplied
from ledger.models import (
    AccountRole,
    Bill,
    DocumentStatus,
    EntrySource,
    Invoice,
    JournalEntry,
    Payment,
    PaymentApplication,
    PaymentMethod,
    Receipt,
    ReceiptApplication,
)
from ledger.payloads import bill_payload, invoice_payload
from ledger.services.common import document_number, money, pk_of, user_or_none
from ledger.services.documents import party_get
from ledger.services.journal import accounts_for_roles, journal_entry_post
from parties import selectors as parties
from parties.models import Customer, Vendor
from webhooks.services import event_emit

S = DocumentStatus
OPEN = (S.POSTED, S.PARTIALLY_PAID)


# --- Shared helpers -----------------------------------------------------------------------------------


def _applications(*, kind: str, doc_kind: str, when, amount, method: str, applications) -> tuple[Decimal, dict]:
    """Check the cash document's own fields; return its amount and {document id: amount applied}."""
    if not isinstance(when, Date):
        raise InvalidInput("Must be a date.", field="date")
    amount = money(amount, field="amount")
    if method not in PaymentMethod.values:
        raise InvalidInput(f"Unknown method '{method}'; one of {', '.join(PaymentMethod.values)}.", field="method")
    wanted: dict[int, Decimal] = {}
    for i, app in enumerate(applications or []):
        doc_id = pk_of(app.get(doc_kind, app.get(f"{doc_kind}_id")))
        if doc_id is None:
            raise InvalidInput(f"Each application names an {doc_kind}.", field=f"applications.{i}.{doc_kind}")
        if doc_id in wanted:
            raise InvalidInput(f"{doc_kind.title()} {doc_id} is applied twice.", field=f"applications.{i}.{doc_kind}")
        wanted[doc_id] = money(app.get("amount"), field=f"applications.{i}.amount")
    applied = sum(wanted.values(), Decimal("0.00"))
    if applied > amount:
        raise Overapplied(
            f"Applications total {applied:.2f}, more than the {kind}'s amount {amount:.2f}.",
            field="applications",
            applied=f"{applied:.2f}",
            amount=f"{amount:.2f}",
        )
    return amount, wanted


def _open_documents(model, wanted: dict[int, Decimal], *, doc_kind: str, party_field: str, party) -> dict:
    """Lock the applied documents (pk order) and check each is the party's, open, and owes at least its share."""
    docs = locks.rows_lock(model.objects, wanted)
    for index, (doc_id, value) in enumerate(wanted.items()):
        field = f"applications.{index}.{doc_kind}"
        doc = docs.get(doc_id)
        if doc is None:
            raise InvalidInput(f"{doc_kind.title()} {doc_id} does not exist.", field=field)
        if getattr(doc, f"{party_field}_id") != party.pk:
            raise InvalidInput(f"{doc_kind.title()} {doc.number} belongs to another {party_field}.", field=field)
        if doc.status not in OPEN:
            raise InvalidTransition(
                f"{doc_kind.title()} {doc.number} is {doc.status}; only posted or partially_paid {doc_kind}s can be "
                "paid.",
                field=field,
                status=doc.status,
            )
        if value > doc.balance_due:
            raise Overapplied(
                f"{value:.2f} is more than {doc_kind} {doc.number}'s balance due {doc.balance_due:.2f}.",
                field=f"applications.{index}.amount",
                balance_due=f"{doc.balance_due:.2f}",
            )
    return docs


def _cash_entry(*, number: str, when: Date, amount: Decimal, reference: str, money_in: bool, control_role: str,
                source: str, dim: dict, actor) -> JournalEntry:  # fmt: skip
    """Cash against the control account: in, debit cash and credit receivables; out, the reverse."""
    locked, (cash, control) = accounts_for_roles(AccountRole.CASH, control_role)
    cash_side, control_side = ("debit", "credit") if money_in else ("credit", "debit")
    return journal_entry_post(
        entry_date=when,
        memo=f"{source.title()} {number} {reference}".strip(),
        source=source,
        lines=[
            {"account": cash, cash_side: amount, "memo": number},
            {"account": control, control_side: amount, "memo": number, **dim},
        ],
        actor=actor,
        check_dimensions=False,
        locked_accounts=locked,
    )


def _apply(model, docs: dict, wanted: dict[int, Decimal]) -> list[int]:
    """Add each application to its document (F(): the database's own sum; the row lock makes it exact).
    Returns the ids of the documents now paid in full."""
    paid_in_full = []
    for doc_id in sorted(wanted):
        doc = docs[doc_id]
        status = S.PAID if doc.amount_paid + wanted[doc_id] == doc.total else S.PARTIALLY_PAID
        model.objects.filter(pk=doc_id).update(amount_paid=F("amount_paid") + wanted[doc_id], status=status)
        if status == S.PAID:
            paid_in_full.append(doc_id)
    return paid_in_full


# --- Receipts and payments ----------------------------------------------------------------------------


def receipt_create(
    *, customer: Customer | int, date: Date, amount, method: str, reference: str = "", applications: list[dict],
    memo: str = "", actor=None,
) -> Receipt:  # fmt: skip
    """Money in: debit cash, credit receivables; applies to the customer's open invoices.

    Application dicts: ``invoice`` (Invoice or id), ``amount``. The unapplied remainder stays as credit.
    An invoice paid in full emits `invoice.paid`.
    """
    customer = party_get(parties.customer_list(), customer, field="customer")
    amount, wanted = _applications(
        kind="receipt", doc_kind="invoice", when=date, amount=amount, method=method, applications=applications
    )
    with transaction.atomic():
        invoices = _open_documents(Invoice, wanted, doc_kind="invoice", party_field="customer", party=customer)
        number = document_number("receipt", "RCT-")
        entry = _cash_entry(
            number=number, when=date, amount=amount, reference=reference, money_in=True,
            control_role=AccountRole.ACCOUNTS_RECEIVABLE, source=EntrySource.RECEIPT,
            dim={"customer_id": customer.pk}, actor=actor,
        )  # fmt: skip
        receipt = Receipt.objects.create(
            number=number, customer=customer, date=date, amount=amount, method=method, reference=reference or "",
            memo=memo or "", applied_amount=sum(wanted.values(), Decimal("0.00")), journal_entry=entry,
            created_by=user_or_none(actor),
        )  # fmt: skip
        JournalEntry.objects.filter(pk=entry.pk).update(source_id=receipt.pk)
        ReceiptApplication.objects.bulk_create(
            [ReceiptApplication(receipt=receipt, invoice_id=doc_id, amount=v) for doc_id, v in wanted.items()]
        )
        for invoice_id in _apply(Invoice, invoices, wanted):
            event_emit(event_type="invoice.paid", obj=invoice_payload(selectors.invoice_list().get(pk=invoice_id)))
    receipt.refresh_from_db()
    return receipt


def payment_create(
    *, vendor: Vendor | int, date: Date, amount, method: str, reference: str = "", applications: list[dict],
    memo: str = "", actor=None,
) -> Payment:  # fmt: skip
    """Money out: debit payables, credit cash; applies to the vendor's open bills (``bill``, ``amount``).

    A bill paid in full emits `bill.paid`.
    """
    vendor = party_get(parties.vendor_list(), vendor, field="vendor")
    amount, wanted = _applications(
        kind="payment", doc_kind="bill", when=date, amount=amount, method=method, applications=applications
    )
    with transaction.atomic():
        bills = _open_documents(Bill, wanted, doc_kind="bill", party_field="vendor", party=vendor)
        number = document_number("payment", "PAY-")
        entry = _cash_entry(
            number=number, when=date, amount=amount, reference=reference, money_in=False,
            control_role=AccountRole.ACCOUNTS_PAYABLE, source=EntrySource.PAYMENT, dim={"vendor_id": vendor.pk},
            actor=actor,
        )  # fmt: skip
        payment = Payment.objects.create(
            number=number, vendor=vendor, date=date, amount=amount, method=method, reference=reference or "",
            memo=memo or "", applied_amount=sum(wanted.values(), Decimal("0.00")), journal_entry=entry,
            created_by=user_or_none(actor),
        )  # fmt: skip
        JournalEntry.objects.filter(pk=entry.pk).update(source_id=payment.pk)
        PaymentApplication.objects.bulk_create(
            [PaymentApplication(payment=payment, bill_id=doc_id, amount=v) for doc_id, v in wanted.items()]
        )
        for bill_id in _apply(Bill, bills, wanted):
            event_emit(event_type="bill.paid", obj=bill_payload(selectors.bill_list().get(pk=bill_id)))
    payment.refresh_from_db()
    return payment
