"""Receipts (money in from customers) and payments (money out to vendors), applied to open documents.

Applied documents are locked in pk order before their balances are read, so two receipts racing for
one invoice serialise and the second sees the first's payment: an invoice is never overpaid.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from ledger import locks
from ledger.errors import InvalidInput, InvalidTransition, Overapplied
from ledger.models import (
    AccountRole,
    DocumentStatus,
    EntrySource,
    Payment,
    PaymentApplication,
    PaymentMethod,
    Receipt,
    ReceiptApplication,
)
from ledger.services.common import document_number, money, pk_of
from ledger.services.documents import BILL, INVOICE, Spec
from ledger.services.documents import _party as party_get
from ledger.services.journal import accounts_for_roles, journal_entry_post

S = DocumentStatus
OPEN = (S.POSTED, S.PARTIALLY_PAID)


@dataclass(frozen=True)
class CashSpec:
    kind: str  # "receipt" / "payment"
    model: type
    application_model: type
    doc: Spec  # the documents it applies to
    prefix: str


RECEIPT = CashSpec("receipt", Receipt, ReceiptApplication, INVOICE, "RCT-")
PAYMENT = CashSpec("payment", Payment, PaymentApplication, BILL, "PAY-")


def cash_create(
    spec: CashSpec, *, party, doc_date: date, amount, method: str, reference: str = "", memo: str = "",
    applications: list[dict], actor=None,
):  # fmt: skip
    from webhooks.services import event_emit

    doc_kind = spec.doc.kind  # "invoice" / "bill"
    party = party_get(spec.doc, party)
    party_id_attr = f"{spec.doc.party}_id"
    if not isinstance(doc_date, date):
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
            f"Applications total {applied:.2f}, more than the {spec.kind}'s amount {amount:.2f}.",
            field="applications",
            applied=f"{applied:.2f}",
            amount=f"{amount:.2f}",
        )
    index = {doc_id: i for i, doc_id in enumerate(wanted)}
    with transaction.atomic():
        docs = locks.rows_lock(spec.doc.model.objects, wanted)
        for doc_id, value in wanted.items():
            field = f"applications.{index[doc_id]}.{doc_kind}"
            doc = docs.get(doc_id)
            if doc is None:
                raise InvalidInput(f"{doc_kind.title()} {doc_id} does not exist.", field=field)
            if getattr(doc, party_id_attr) != party.pk:
                raise InvalidInput(f"{doc_kind.title()} {doc.number} belongs to another {spec.doc.party}.", field=field)
            if doc.status not in OPEN:
                raise InvalidTransition(
                    f"{doc_kind.title()} {doc.number} is {doc.status}; only posted or partially_paid "
                    f"{doc_kind}s can be paid.",
                    field=field,
                    status=doc.status,
                )
            if value > doc.balance_due:
                raise Overapplied(
                    f"{value:.2f} is more than {doc_kind} {doc.number}'s balance due {doc.balance_due:.2f}.",
                    field=f"applications.{index[doc_id]}.amount",
                    balance_due=f"{doc.balance_due:.2f}",
                )
        locked, (cash, control) = accounts_for_roles(AccountRole.CASH, spec.doc.control_role)
        is_receipt = spec.kind == "receipt"
        dim = {party_id_attr: party.pk}
        number = document_number(spec.kind, spec.prefix)
        lines = [
            {"account": cash, "debit" if is_receipt else "credit": amount, "memo": number},
            {"account": control, "credit" if is_receipt else "debit": amount, "memo": number, **dim},
        ]
        entry = journal_entry_post(
            entry_date=doc_date,
            memo=f"{spec.kind.title()} {number} {reference}".strip(),
            source=EntrySource.RECEIPT if is_receipt else EntrySource.PAYMENT,
            lines=lines,
            actor=actor,
            check_dimensions=False,
            locked_accounts=locked,
        )
        cash_doc = spec.model.objects.create(
            number=number,
            date=doc_date,
            amount=amount,
            method=method,
            reference=reference or "",
            memo=memo or "",
            applied_amount=applied,
            journal_entry=entry,
            created_by=actor if getattr(actor, "pk", None) else None,
            **{spec.doc.party: party},
        )
        entry.source_id = cash_doc.pk
        entry.save(update_fields=["source_id"])
        spec.application_model.objects.bulk_create(
            [
                spec.application_model(**{spec.kind: cash_doc, f"{doc_kind}_id": d, "amount": v})
                for d, v in wanted.items()
            ]
        )
        for doc_id in sorted(wanted):
            doc = docs[doc_id]
            paid = doc.amount_paid + wanted[doc_id]
            status = S.PAID if paid == doc.total else S.PARTIALLY_PAID
            # F() so the stored figure is the database's own sum; the row lock makes it equal `paid`.
            spec.doc.model.objects.filter(pk=doc_id).update(
                amount_paid=F("amount_paid") + wanted[doc_id], status=status
            )
            if status == S.PAID:
                event_emit(event_type=f"{doc_kind}.paid", obj=spec.doc.serialize(doc))
    cash_doc.refresh_from_db()
    return cash_doc


def receipt_create(
    *, customer, date: date, amount, method: str, reference: str = "", applications: list[dict], memo: str = "",
    actor=None,
) -> Receipt:  # fmt: skip
    """Money in: debit cash, credit receivables; applies to the customer's open invoices.

    Application dicts: ``invoice`` (Invoice or id), ``amount``. The unapplied remainder stays as credit.
    """
    return cash_create(
        RECEIPT, party=customer, doc_date=date, amount=amount, method=method, reference=reference, memo=memo,
        applications=applications, actor=actor,
    )  # fmt: skip


def payment_create(
    *, vendor, date: date, amount, method: str, reference: str = "", applications: list[dict], memo: str = "",
    actor=None,
) -> Payment:  # fmt: skip
    """Money out: debit payables, credit cash; applies to the vendor's open bills (``bill``, ``amount``)."""
    return cash_create(
        PAYMENT, party=vendor, doc_date=date, amount=amount, method=method, reference=reference, memo=memo,
        applications=applications, actor=actor,
    )  # fmt: skip
