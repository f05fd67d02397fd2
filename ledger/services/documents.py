"""Invoices (AR) and bills (AP): one implementation, two specs, because they mirror each other.

Status: draft → posted → partially_paid → paid, or void. Posting writes one journal entry (invoice:
debit receivables, credit each line's revenue account; bill: debit each line's expense or inventory
account, credit payables) and an event, in the same transaction as the status change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cashsheet.api.fields import quantize
from ledger import locks
from ledger.errors import InvalidInput, InvalidTransition
from ledger.models import (
    Account,
    AccountRole,
    AccountType,
    Bill,
    BillLine,
    DocumentStatus,
    EntrySource,
    Invoice,
    InvoiceLine,
)
from ledger.references import referenced_ids
from ledger.services.accounts import account_for_role
from ledger.services.common import document_number, money, pk_of
from ledger.services.journal import accounts_for_roles, journal_entry_post, journal_entry_reverse
from parties import selectors as parties

S = DocumentStatus
# What PATCH {"status": ...} may ask for from each state; partially_paid and paid follow from receipts.
NEXT_STATES = {S.DRAFT: [S.POSTED, S.VOID], S.POSTED: [S.VOID], S.PARTIALLY_PAID: [], S.PAID: [], S.VOID: []}
LINE_KEYS = {"item", "item_id", "description", "quantity_lb", "price_per_lb", "amount", "account", "account_id"}


@dataclass(frozen=True)
class Spec:
    kind: str  # "invoice" / "bill"
    model: type
    line_model: type
    party: str  # "customer" / "vendor"
    party_list: Callable[[], QuerySet]
    date_field: str
    prefix: str
    control_role: str
    line_types: tuple[str, ...]
    default_line_role: str | None
    extra_fields: tuple[str, ...] = ()

    def serialize(self, doc, lines: list | None = None) -> dict:
        """The document as the API renders it (the event payload); `lines` saves a query when already loaded."""
        from ledger.api.serializers import BillSerializer, InvoiceSerializer

        serializer = InvoiceSerializer if self.kind == "invoice" else BillSerializer
        if lines is None:
            return serializer(self.model.objects.prefetch_related("lines").get(pk=doc.pk)).data
        doc._prefetched_objects_cache = {"lines": self.line_model.objects.none()}
        doc._prefetched_objects_cache["lines"]._result_cache = lines
        doc._prefetched_objects_cache["lines"]._prefetch_done = True
        return serializer(doc).data


INVOICE = Spec(
    "invoice", Invoice, InvoiceLine, "customer", parties.customer_list, "invoice_date", "INV-",
    AccountRole.ACCOUNTS_RECEIVABLE, (AccountType.REVENUE,), AccountRole.SALES_REVENUE, ("sales_order_id",),
)  # fmt: skip
BILL = Spec(
    "bill", Bill, BillLine, "vendor", parties.vendor_list, "bill_date", "BILL-",
    AccountRole.ACCOUNTS_PAYABLE, (AccountType.EXPENSE, AccountType.ASSET), None, ("vendor_reference",),
)  # fmt: skip


def _party(spec: Spec, value):
    rows = spec.party_list()
    if isinstance(value, rows.model):
        return value
    party = rows.filter(pk=pk_of(value)).first()
    if party is None:
        raise InvalidInput(f"{spec.party.title()} {pk_of(value)} does not exist.", field=spec.party)
    return party


def _lines(spec: Spec, lines: list[dict]) -> list:
    """Validate line dicts into unsaved line rows; amount = quantity_lb × price_per_lb (half-up to the cent)."""
    if not isinstance(lines, list) or not lines:
        raise InvalidInput(f"An {spec.kind} needs at least one line.", field="lines")
    account_ids = {pk_of(line.get("account", line.get("account_id"))) for line in lines} - {None}
    accounts = Account.objects.in_bulk(account_ids)
    default = None
    out = []
    for i, raw in enumerate(lines):
        unknown = set(raw) - LINE_KEYS
        if unknown:
            raise InvalidInput(f"Unknown line keys: {', '.join(sorted(unknown))}.", field=f"lines.{i}")
        item_id = pk_of(raw.get("item", raw.get("item_id")))
        quantity, price = raw.get("quantity_lb"), raw.get("price_per_lb")
        if (quantity is None) != (price is None):
            raise InvalidInput("Give both quantity_lb and price_per_lb, or neither.", field=f"lines.{i}.quantity_lb")
        amount = raw.get("amount")
        if quantity is not None:
            quantity, price = Decimal(str(quantity)), Decimal(str(price))
            if quantity <= 0:
                raise InvalidInput("Must be greater than zero.", field=f"lines.{i}.quantity_lb")
            if price < 0:
                raise InvalidInput("Must not be negative.", field=f"lines.{i}.price_per_lb")
            computed = money(quantize(quantity * price), field=f"lines.{i}.amount", allow_zero=True)
            if amount is not None and money(amount, field=f"lines.{i}.amount") != computed:
                raise InvalidInput(
                    f"amount {amount} differs from quantity_lb × price_per_lb = {computed}.", field=f"lines.{i}.amount"
                )
            amount = computed
        if amount is None:
            raise InvalidInput("Give amount, or quantity_lb and price_per_lb.", field=f"lines.{i}.amount")
        amount = money(amount, field=f"lines.{i}.amount")
        account_id = pk_of(raw.get("account", raw.get("account_id")))
        if account_id is None:
            role = spec.default_line_role or (AccountRole.INVENTORY if item_id else None)
            if role is None:
                raise InvalidInput("A bill line without an item needs an account.", field=f"lines.{i}.account")
            default = default if default is not None and default.role == role else account_for_role(role)
            account = default
        else:
            account = accounts.get(account_id)
            if account is None:
                raise InvalidInput(f"Account {account_id} does not exist.", field=f"lines.{i}.account")
        if account.type not in spec.line_types:
            raise InvalidInput(
                f"Account {account.code} is {account.type}; {spec.kind} lines go to {' or '.join(spec.line_types)} "
                "accounts.",
                field=f"lines.{i}.account",
            )
        if not account.active:
            raise InvalidInput(f"Account {account.code} is inactive.", field=f"lines.{i}.account")
        description = raw.get("description") or ""
        if not item_id and not description:
            raise InvalidInput("A line without an item needs a description.", field=f"lines.{i}.description")
        out.append(
            spec.line_model(
                item_id=item_id,
                description=description,
                quantity_lb=quantity,
                price_per_lb=price,
                amount=amount,
                account=account,
                position=i,
            )
        )
    if any(line.item_id for line in out):
        item_ids = {line.item_id for line in out if line.item_id}
        found = referenced_ids(spec.line_model, "item", item_ids)
        for i, line in enumerate(out):
            if line.item_id and line.item_id not in found:
                raise InvalidInput(f"Item {line.item_id} does not exist.", field=f"lines.{i}.item")
    return out


def _total(lines: list) -> Decimal:
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return money(total, field="lines")


def _save_lines(spec: Spec, doc, lines: list) -> None:
    for line in lines:
        setattr(line, spec.kind, doc)
    spec.line_model.objects.bulk_create(lines)
    doc.total = _total(lines)


def document_create(
    spec: Spec, *, party, doc_date: date, lines: list[dict], due_date=None, memo: str = "", actor=None, **extra
):
    party = _party(spec, party)
    if not isinstance(doc_date, date):
        raise InvalidInput("Must be a date.", field=spec.date_field)
    if due_date is None:
        try:
            due_date = doc_date + timedelta(days=party.payment_terms_days)
        except OverflowError:
            raise InvalidInput("Date out of range.", field=spec.date_field) from None
    elif due_date < doc_date:
        raise InvalidInput(f"due_date is before {spec.date_field}.", field="due_date")
    rows = _lines(spec, lines)
    with transaction.atomic():
        doc = spec.model(
            number=document_number(spec.kind, spec.prefix),
            due_date=due_date,
            memo=memo or "",
            created_by=actor if getattr(actor, "pk", None) else None,
            **{spec.party: party, spec.date_field: doc_date},
            **extra,
        )
        doc.save()
        _save_lines(spec, doc, rows)
        doc.save(update_fields=["total", "updated_at"])
    doc.refresh_from_db()
    return doc


def _refuse(spec: Spec, doc, wanted: str):
    allowed = [str(s) for s in NEXT_STATES[doc.status]]
    raise InvalidTransition(
        f"{spec.kind.title()} {doc.number} is {doc.status}; it cannot become {wanted}. "
        + (f"Allowed next: {', '.join(allowed)}." if allowed else "No status change is allowed from here."),
        field="status",
        status=doc.status,
        allowed=allowed,
    )


def document_update(spec: Spec, *, doc, actor=None, **data):
    """Edit a draft: dates, memo, counterparty, lines (replaced whole). Anything else is a 409."""
    editable = {spec.party, spec.date_field, "due_date", "memo", "lines", *spec.extra_fields}
    unknown = set(data) - editable
    if unknown:
        raise TypeError(f"unknown {spec.kind} fields: {sorted(unknown)}")
    with transaction.atomic():
        doc = locks.row_lock(spec.model.objects, doc.pk)
        if doc.status != S.DRAFT:
            raise InvalidTransition(
                f"{spec.kind.title()} {doc.number} is {doc.status}; only draft {spec.kind}s can be edited.",
                status=doc.status,
                allowed=[str(s) for s in NEXT_STATES[doc.status]],
            )
        fields = []
        if spec.party in data:
            setattr(doc, spec.party, _party(spec, data.pop(spec.party)))
            fields.append(spec.party)
        lines = data.pop("lines", None)
        for name, value in data.items():
            setattr(doc, name, value)
            fields.append(name)
        if doc.due_date < getattr(doc, spec.date_field):
            raise InvalidInput(f"due_date is before {spec.date_field}.", field="due_date")
        if lines is not None:
            rows = _lines(spec, lines)
            spec.line_model.objects.filter(**{spec.kind: doc}).delete()
            _save_lines(spec, doc, rows)
            fields.append("total")
        doc.save(update_fields=[*fields, "updated_at"])
    doc.refresh_from_db()
    return doc


def document_post(spec: Spec, *, doc, actor=None):
    """draft → posted: one journal entry and the `<kind>.posted` event, in the same transaction."""
    from webhooks.services import event_emit

    with transaction.atomic():
        doc = locks.row_lock(spec.model.objects, doc.pk)
        if doc.status != S.DRAFT:
            _refuse(spec, doc, S.POSTED)
        lines = list(spec.line_model.objects.filter(**{spec.kind: doc}).order_by("position", "id"))
        if not lines:
            raise InvalidInput(f"An {spec.kind} needs at least one line to be posted.", field="lines")
        locked, (control,) = accounts_for_roles(spec.control_role, ids={line.account_id for line in lines})
        dim = {f"{spec.party}_id": getattr(doc, f"{spec.party}_id")}
        is_invoice = spec.kind == "invoice"
        control_side, line_side = ("debit", "credit") if is_invoice else ("credit", "debit")
        entry_lines = [{"account": control, control_side: doc.total, "memo": doc.number, **dim}]
        entry_lines += [
            {"account": line.account_id, line_side: line.amount, "memo": line.description or doc.number, **dim}
            for line in lines
        ]
        entry = journal_entry_post(
            entry_date=getattr(doc, spec.date_field),
            memo=f"{spec.kind.title()} {doc.number}",
            source=EntrySource.INVOICE if is_invoice else EntrySource.BILL,
            source_id=doc.pk,
            lines=entry_lines,
            actor=actor,
            check_dimensions=False,
            locked_accounts=locked,
        )
        doc.status = S.POSTED
        doc.journal_entry = entry
        doc.posted_at = timezone.now()
        doc.save(update_fields=["status", "journal_entry", "posted_at", "updated_at"])
        event_emit(event_type=f"{spec.kind}.posted", obj=spec.serialize(doc, lines))
    return doc


def document_void(spec: Spec, *, doc, actor=None):
    """draft → void (nothing to undo), or posted and unpaid → void with the reversing entry."""
    with transaction.atomic():
        doc = locks.row_lock(spec.model.objects, doc.pk)
        if doc.status not in (S.DRAFT, S.POSTED) or doc.amount_paid:
            _refuse(spec, doc, S.VOID)
        if doc.status == S.POSTED:
            doc.void_entry = journal_entry_reverse(
                entry=doc.journal_entry,
                memo=f"Void of {spec.kind} {doc.number}",
                actor=actor,
                _document=True,
            )
        doc.status = S.VOID
        doc.save(update_fields=["status", "void_entry", "updated_at"])
    doc.refresh_from_db()
    return doc


def document_transition(spec: Spec, *, doc, status: str, actor=None):
    if status == S.POSTED and doc.status == S.DRAFT:
        return document_post(spec, doc=doc, actor=actor)
    if status == S.VOID:
        return document_void(spec, doc=doc, actor=actor)
    _refuse(spec, doc, status)


# --- The public, typed entry points -------------------------------------------------------------------


def invoice_create(
    *, customer, invoice_date: date, lines: list[dict], due_date: date | None = None, sales_order_id: int | None = None,
    memo: str = "", actor=None,
) -> Invoice:  # fmt: skip
    """A draft invoice. Line dicts: ``item`` (optional), ``description``, ``quantity_lb`` and
    ``price_per_lb`` (amount computed) or ``amount``, ``account`` (default: the sales_revenue account)."""
    return document_create(
        INVOICE, party=customer, doc_date=invoice_date, lines=lines, due_date=due_date, memo=memo, actor=actor,
        sales_order_id=sales_order_id,
    )  # fmt: skip


def invoice_update(*, invoice: Invoice, actor=None, **data) -> Invoice:
    return document_update(INVOICE, doc=invoice, actor=actor, **data)


def invoice_post(*, invoice: Invoice, actor=None) -> Invoice:
    return document_post(INVOICE, doc=invoice, actor=actor)


def invoice_void(*, invoice: Invoice, actor=None) -> Invoice:
    return document_void(INVOICE, doc=invoice, actor=actor)


def invoice_transition(*, invoice: Invoice, status: str, actor=None) -> Invoice:
    return document_transition(INVOICE, doc=invoice, status=status, actor=actor)


def bill_create(
    *, vendor, bill_date: date, lines: list[dict], due_date: date | None = None, vendor_reference: str = "",
    memo: str = "", actor=None,
) -> Bill:  # fmt: skip
    """A draft bill. Lines go to expense or asset (inventory) accounts; an item line defaults to inventory."""
    return document_create(
        BILL, party=vendor, doc_date=bill_date, lines=lines, due_date=due_date, memo=memo, actor=actor,
        vendor_reference=vendor_reference,
    )  # fmt: skip


def bill_update(*, bill: Bill, actor=None, **data) -> Bill:
    return document_update(BILL, doc=bill, actor=actor, **data)


def bill_post(*, bill: Bill, actor=None) -> Bill:
    return document_post(BILL, doc=bill, actor=actor)


def bill_void(*, bill: Bill, actor=None) -> Bill:
    return document_void(BILL, doc=bill, actor=actor)


def bill_transition(*, bill: Bill, status: str, actor=None) -> Bill:
    return document_transition(BILL, doc=bill, status=status, actor=actor)
