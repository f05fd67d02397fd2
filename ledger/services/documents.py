"""Invoices (AR) and bills (AP): draft → posted → partially_paid → paid, or void.

Posting writes one journal entry (invoice: debit receivables, credit each line's revenue account; bill:
debit each line's expense or inventory account, credit payables) and an event, in the same transaction
as the status change. The two documents mirror each other, so the public functions below are thin and
explicit and share the private helpers at the top.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from cashsheet.api.fields import quantize
from cashsheet.api.services import fields_check
from ledger import locks
from ledger.errors import Conflict, InvalidInput, InvalidTransition
from ledger.models import (
    INVENTORY_ROLES,
    Account,
    AccountRole,
    AccountType,
    Bill,
    BillLine,
    DocumentStatus,
    EntrySource,
    Invoice,
    InvoiceLine,
    JournalEntry,
)
from ledger.payloads import bill_payload, invoice_payload
from ledger.references import referenced_ids, referenced_model
from ledger.services.accounts import account_for_role
from ledger.services.common import document_number, money, pk_of, user_or_none
from ledger.services.journal import accounts_for_roles, journal_entry_post, journal_entry_reverse
from parties import selectors as parties
from parties.models import Customer, Vendor
from webhooks.services import event_emit

S = DocumentStatus
ZERO = Decimal("0.00")
# What PATCH {"status": ...} may ask for from each state; partially_paid and paid follow from receipts.
NEXT_STATES = {S.DRAFT: [S.POSTED, S.VOID], S.POSTED: [S.VOID], S.PARTIALLY_PAID: [], S.PAID: [], S.VOID: []}
LINE_KEYS = {"item", "item_id", "description", "quantity_lb", "price_per_lb", "amount", "account", "account_id"}
BILL_LINE_KEYS = LINE_KEYS | {"receipt", "receipt_id"}


class ReceiptBilled(Conflict):
    code = "receipt_billed"


INVOICE_EDITABLE = frozenset({"customer", "invoice_date", "due_date", "memo", "lines", "sales_order_id"})
BILL_EDITABLE = frozenset({"vendor", "bill_date", "due_date", "memo", "lines", "vendor_reference"})


# --- Shared helpers -----------------------------------------------------------------------------------


def party_get(rows: QuerySet, value, *, field: str) -> Model:
    """A customer or vendor given as an instance or an id; InvalidInput naming `field` if there is none."""
    if isinstance(value, rows.model):
        return value
    party = rows.filter(pk=pk_of(value)).first()
    if party is None:
        raise InvalidInput(f"{field.title()} {pk_of(value)} does not exist.", field=field)
    return party


def _due_date(*, doc_date: date, due_date: date | None, terms_days: int, date_field: str) -> date:
    if not isinstance(doc_date, date):
        raise InvalidInput("Must be a date.", field=date_field)
    if due_date is None:
        try:
            return doc_date + timedelta(days=terms_days)
        except OverflowError:
            raise InvalidInput("Date out of range.", field=date_field) from None
    if due_date < doc_date:
        raise InvalidInput(f"due_date is before {date_field}.", field="due_date")
    return due_date


def _lines(
    line_model: type[InvoiceLine | BillLine],
    lines: list[dict],
    *,
    kind: str,
    line_types: tuple[str, ...],
    default_role: str | None,
) -> list:
    """Validate line dicts into unsaved line rows; amount = quantity_lb × price_per_lb (half-up to the cent).

    A line without an account goes to `default_role`'s account, or (bills) an item line to inventory.
    """
    if not isinstance(lines, list) or not lines:
        raise InvalidInput(f"An {kind} needs at least one line.", field="lines")
    account_ids = {pk_of(line.get("account", line.get("account_id"))) for line in lines} - {None}
    accounts = Account.objects.in_bulk(account_ids)
    default = None
    out = []
    for i, raw in enumerate(lines):
        unknown = set(raw) - (BILL_LINE_KEYS if kind == "bill" else LINE_KEYS)
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
            # An item line clears goods received not invoiced: the receipt already put the stock on the
            # books (perpetual inventory), so the bill never debits Inventory itself.
            role = default_role or (AccountRole.PURCHASES_CLEARING if item_id else None)
            if role is None:
                raise InvalidInput("A bill line without an item needs an account.", field=f"lines.{i}.account")
            default = default if default is not None and default.role == role else account_for_role(role)
            account = default
        else:
            account = accounts.get(account_id)
            if account is None:
                raise InvalidInput(f"Account {account_id} does not exist.", field=f"lines.{i}.account")
        if kind == "bill" and account.role in INVENTORY_ROLES:
            raise InvalidInput(
                f"Account {account.code} is stock on hand: it moves only with stock movements (post the goods "
                "receipt; the bill's item line clears goods received not invoiced).",
                field=f"lines.{i}.account",
            )
        grni = kind == "bill" and account.role == AccountRole.PURCHASES_CLEARING
        if account.type not in line_types and not grni:
            raise InvalidInput(
                f"Account {account.code} is {account.type}; {kind} lines go to {' or '.join(line_types)} accounts.",
                field=f"lines.{i}.account",
            )
        if not account.active:
            raise InvalidInput(f"Account {account.code} is inactive.", field=f"lines.{i}.account")
        description = raw.get("description") or ""
        if not item_id and not description:
            raise InvalidInput("A line without an item needs a description.", field=f"lines.{i}.description")
        row = line_model(
            item_id=item_id,
            description=description,
            quantity_lb=quantity,
            price_per_lb=price,
            amount=amount,
            account=account,
            position=i,
        )
        if kind == "bill":
            row.receipt_id = pk_of(raw.get("receipt", raw.get("receipt_id")))
            if row.receipt_id is not None and account.role != AccountRole.PURCHASES_CLEARING:
                raise InvalidInput("A line billing a receipt clears goods received not invoiced: give no other "
                                   "account.", field=f"lines.{i}.account")  # fmt: skip
        out.append(row)
    item_ids = {line.item_id for line in out if line.item_id}
    if item_ids:
        found = referenced_ids(line_model, "item", item_ids)
        for i, line in enumerate(out):
            if line.item_id and line.item_id not in found:
                raise InvalidInput(f"Item {line.item_id} does not exist.", field=f"lines.{i}.item")
    return out


def _receipts_check(out: list) -> None:
    """Each billed receipt exists, is a goods receipt, and is of the line's item (400 naming the line)."""
    wanted = {line.receipt_id for line in out if getattr(line, "receipt_id", None)}
    if not wanted:
        return
    movements = referenced_model(BillLine, "receipt")._base_manager.filter(pk__in=wanted)
    found = {pk: (kind, item_id) for pk, kind, item_id in movements.values_list("pk", "kind", "item_id")}
    seen: set[int] = set()
    for i, line in enumerate(out):
        if not getattr(line, "receipt_id", None):
            continue
        if line.receipt_id in seen:  # each line would clear the whole receipt's value from GRNI again
            raise InvalidInput(f"Receipt {line.receipt_id} is billed on an earlier line of this bill.",
                               field=f"lines.{i}.receipt")  # fmt: skip
        seen.add(line.receipt_id)
        kind, item_id = found.get(line.receipt_id, (None, None))
        if kind != "receipt":
            raise InvalidInput(f"Stock movement {line.receipt_id} is not a goods receipt.", field=f"lines.{i}.receipt")
        if line.item_id is None:
            line.item_id = item_id
        elif line.item_id != item_id:
            raise InvalidInput(f"Receipt {line.receipt_id} is of item {item_id}, not {line.item_id}.",
                               field=f"lines.{i}.receipt")  # fmt: skip


def _invoice_lines(lines: list[dict]) -> list[InvoiceLine]:
    return _lines(
        InvoiceLine, lines, kind="invoice", line_types=(AccountType.REVENUE,), default_role=AccountRole.SALES_REVENUE
    )


def _bill_lines(lines: list[dict]) -> list[BillLine]:
    out = _lines(BillLine, lines, kind="bill", line_types=(AccountType.EXPENSE, AccountType.ASSET), default_role=None)
    _receipts_check(out)
    return out


def _lines_save(doc: Invoice | Bill, rows: list, *, fk: str) -> None:
    """Write `rows` as the document's lines and set its total (the caller saves the document)."""
    for row in rows:
        setattr(row, fk, doc)
    type(rows[0]).objects.bulk_create(rows)
    doc.total = money(sum((row.amount for row in rows), Decimal("0.00")), field="lines")


def _refuse(doc: Invoice | Bill, kind: str, wanted: str):
    allowed = [str(s) for s in NEXT_STATES[doc.status]]
    raise InvalidTransition(
        f"{kind.title()} {doc.number} is {doc.status}; it cannot become {wanted}. "
        + (f"Allowed next: {', '.join(allowed)}." if allowed else "No status change is allowed from here."),
        field="status",
        status=doc.status,
        allowed=allowed,
    )


def _draft_edit(model, doc, *, kind: str, fk: str, date_field: str, changes: dict, line_rows) -> Invoice | Bill:
    """Lock the draft, apply `changes` (lines, when given, replaced whole through `line_rows`); 409 unless draft."""
    with transaction.atomic():
        doc = locks.row_lock(model.objects, doc.pk)
        if doc.status != S.DRAFT:
            raise InvalidTransition(
                f"{kind.title()} {doc.number} is {doc.status}; only draft {kind}s can be edited.",
                status=doc.status,
                allowed=[str(s) for s in NEXT_STATES[doc.status]],
            )
        lines = changes.pop("lines", None)
        for name, value in changes.items():
            setattr(doc, name, value)
        fields = list(changes)
        if doc.due_date < getattr(doc, date_field):
            raise InvalidInput(f"due_date is before {date_field}.", field="due_date")
        if lines is not None:
            rows = line_rows(lines)
            type(rows[0]).objects.filter(**{fk: doc}).delete()
            _lines_save(doc, rows, fk=fk)
            fields.append("total")
        doc.save(update_fields=[*fields, "updated_at"])
    doc.refresh_from_db()
    return doc


def _post_entry(
    doc: Invoice | Bill, lines: list, *, kind: str, control_role: str, source: str, entry_date: date, dim: dict, actor
) -> JournalEntry:
    """The document's journal entry (control account against each line's account), and the doc marked posted.
    A bill line that names its goods receipt clears GRNI at the receipt's value (`receipt_value`, set by
    bill_post); the difference to what the vendor billed goes to purchase price variance."""
    if not lines:
        raise InvalidInput(f"An {kind} needs at least one line to be posted.", field="lines")
    billed = [line for line in lines if getattr(line, "receipt_value", None) is not None]
    roles = (control_role, AccountRole.PURCHASE_PRICE_VARIANCE) if billed else (control_role,)
    locked, (control, *ppv) = accounts_for_roles(*roles, ids={line.account_id for line in lines})
    control_side, line_side = ("debit", "credit") if source == EntrySource.INVOICE else ("credit", "debit")
    entry_lines = [{"account": control, control_side: doc.total, "memo": doc.number, **dim}]
    for line in lines:
        memo = line.description or doc.number
        value = getattr(line, "receipt_value", None)
        if value is None:
            entry_lines.append({"account": line.account_id, line_side: line.amount, "memo": memo, **dim})
            continue
        if value:
            entry_lines.append({"account": line.account_id, "debit": value, "memo": memo, **dim})
        variance = line.amount - value
        if variance:
            side = "debit" if variance > 0 else "credit"
            entry_lines.append({"account": ppv[0], side: abs(variance), "memo": f"{memo} (price variance)", **dim})
    entry = journal_entry_post(
        entry_date=entry_date,
        memo=f"{kind.title()} {doc.number}",
        source=source,
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
    return entry


def _receipt_values(bill: Bill, lines: list[BillLine]) -> None:
    """Set each receipt line's `receipt_value` (what the goods receipt credited to GRNI), refusing a receipt
    that another posted bill already billed (409). The receipts' rows are locked in pk order, so two bills for
    one receipt cannot both post."""
    ids = sorted({line.receipt_id for line in lines if line.receipt_id})
    if not ids:
        return
    movements = referenced_model(BillLine, "receipt")._base_manager.select_for_update().filter(pk__in=ids)
    rows = movements.order_by("pk").values_list("pk", "value", "lot__vendor_id")
    values = {pk: value for pk, value, _vendor in rows}
    vendors = {pk: vendor for pk, _value, vendor in rows}
    taken = set(
        BillLine.objects.filter(receipt_id__in=ids, bill__status__in=[S.POSTED, S.PARTIALLY_PAID, S.PAID])
        .exclude(bill=bill)
        .values_list("receipt_id", flat=True)
    )
    for position, line in enumerate(lines):
        if not line.receipt_id:
            continue
        vendor = vendors.get(line.receipt_id)
        if vendor is not None and vendor != bill.vendor_id:  # GRNI is kept per vendor: clear the right one
            raise InvalidInput(f"Receipt {line.receipt_id} was received from vendor {vendor}, not this bill's.",
                               field=f"lines.{position}.receipt")  # fmt: skip
        if line.receipt_id in taken:
            raise ReceiptBilled(
                f"Receipt {line.receipt_id} is billed already by another posted bill.",
                field=f"lines.{position}.receipt", receipt=line.receipt_id,
            )  # fmt: skip
        line.receipt_value = quantize(abs(values.get(line.receipt_id) or ZERO))
    BillLine.objects.bulk_update([line for line in lines if line.receipt_id], ["receipt_value"])


def _void(model, doc, *, kind: str, actor) -> Invoice | Bill:
    """draft → void (nothing to undo), or posted and unpaid → void with the reversing entry."""
    with transaction.atomic():
        doc = locks.row_lock(model.objects, doc.pk)
        if doc.status not in (S.DRAFT, S.POSTED) or doc.amount_paid:
            _refuse(doc, kind, S.VOID)
        if doc.status == S.POSTED:
            doc.void_entry = journal_entry_reverse(
                entry=doc.journal_entry, memo=f"Void of {kind} {doc.number}", actor=actor, _document=True
            )
        doc.status = S.VOID
        doc.save(update_fields=["status", "void_entry", "updated_at"])
    doc.refresh_from_db()
    return doc


# --- Invoices -----------------------------------------------------------------------------------------


def invoice_create(
    *,
    customer: Customer | int,
    invoice_date: date,
    lines: list[dict],
    due_date: date | None = None,
    sales_order_id: int | None = None,
    memo: str = "",
    actor=None,
) -> Invoice:
    """A draft invoice. Line dicts: ``item`` (optional), ``description``, ``quantity_lb`` and
    ``price_per_lb`` (amount computed) or ``amount``, ``account`` (default: the sales_revenue account)."""
    customer = party_get(parties.customer_list(), customer, field="customer")
    due_date = _due_date(
        doc_date=invoice_date, due_date=due_date, terms_days=customer.payment_terms_days, date_field="invoice_date"
    )
    rows = _invoice_lines(lines)
    with transaction.atomic():
        invoice = Invoice.objects.create(
            number=document_number("invoice", "INV-"),
            customer=customer,
            invoice_date=invoice_date,
            due_date=due_date,
            sales_order_id=sales_order_id,
            memo=memo or "",
            created_by=user_or_none(actor),
        )
        _lines_save(invoice, rows, fk="invoice")
        invoice.save(update_fields=["total", "updated_at"])
    invoice.refresh_from_db()
    return invoice


def invoice_update(*, invoice: Invoice, actor=None, **changes) -> Invoice:
    """Edit a draft: customer, invoice_date, due_date, memo, sales_order_id, lines (replaced whole); else 409."""
    fields_check(changes, INVOICE_EDITABLE, "invoice")
    if "customer" in changes:
        changes["customer"] = party_get(parties.customer_list(), changes["customer"], field="customer")
    return _draft_edit(
        Invoice, invoice, kind="invoice", fk="invoice", date_field="invoice_date", changes=changes,
        line_rows=_invoice_lines,
    )  # fmt: skip


def invoice_post(*, invoice: Invoice, actor=None) -> Invoice:
    """draft → posted: debit receivables, credit each line's revenue account, emit `invoice.posted`."""
    with transaction.atomic():
        invoice = locks.row_lock(Invoice.objects, invoice.pk)
        if invoice.status != S.DRAFT:
            _refuse(invoice, "invoice", S.POSTED)
        lines = list(invoice.lines.order_by("position", "id"))
        _post_entry(
            invoice, lines, kind="invoice", control_role=AccountRole.ACCOUNTS_RECEIVABLE, source=EntrySource.INVOICE,
            entry_date=invoice.invoice_date, dim={"customer_id": invoice.customer_id}, actor=actor,
        )  # fmt: skip
        event_emit(event_type="invoice.posted", obj=invoice_payload(invoice, lines=lines))
    return invoice


def invoice_void(*, invoice: Invoice, actor=None) -> Invoice:
    return _void(Invoice, invoice, kind="invoice", actor=actor)


def invoice_transition(*, invoice: Invoice, status: str, actor=None) -> Invoice:
    """PATCH {"status": ...}: posted (from draft) or void; anything else is a 409 naming the allowed states."""
    if status == S.POSTED and invoice.status == S.DRAFT:
        return invoice_post(invoice=invoice, actor=actor)
    if status == S.VOID:
        return invoice_void(invoice=invoice, actor=actor)
    _refuse(invoice, "invoice", status)


# --- Bills --------------------------------------------------------------------------------------------


def bill_create(
    *,
    vendor: Vendor | int,
    bill_date: date,
    lines: list[dict],
    due_date: date | None = None,
    vendor_reference: str = "",
    memo: str = "",
    actor=None,
) -> Bill:
    """A draft bill. Lines go to expense or asset (inventory) accounts; an item line defaults to inventory."""
    vendor = party_get(parties.vendor_list(), vendor, field="vendor")
    due_date = _due_date(
        doc_date=bill_date, due_date=due_date, terms_days=vendor.payment_terms_days, date_field="bill_date"
    )
    rows = _bill_lines(lines)
    with transaction.atomic():
        bill = Bill.objects.create(
            number=document_number("bill", "BILL-"),
            vendor=vendor,
            bill_date=bill_date,
            due_date=due_date,
            vendor_reference=vendor_reference or "",
            memo=memo or "",
            created_by=user_or_none(actor),
        )
        _lines_save(bill, rows, fk="bill")
        bill.save(update_fields=["total", "updated_at"])
    bill.refresh_from_db()
    return bill


def bill_update(*, bill: Bill, actor=None, **changes) -> Bill:
    """Edit a draft: vendor, bill_date, due_date, memo, vendor_reference, lines (replaced whole); else 409."""
    fields_check(changes, BILL_EDITABLE, "bill")
    if "vendor" in changes:
        changes["vendor"] = party_get(parties.vendor_list(), changes["vendor"], field="vendor")
    return _draft_edit(
        Bill, bill, kind="bill", fk="bill", date_field="bill_date", changes=changes, line_rows=_bill_lines
    )


def bill_post(*, bill: Bill, actor=None) -> Bill:
    """draft → posted: debit each line's expense or inventory account, credit payables, emit `bill.posted`."""
    with transaction.atomic():
        bill = locks.row_lock(Bill.objects, bill.pk)
        if bill.status != S.DRAFT:
            _refuse(bill, "bill", S.POSTED)
        lines = list(bill.lines.order_by("position", "id"))
        _receipt_values(bill, lines)
        _post_entry(
            bill, lines, kind="bill", control_role=AccountRole.ACCOUNTS_PAYABLE, source=EntrySource.BILL,
            entry_date=bill.bill_date, dim={"vendor_id": bill.vendor_id}, actor=actor,
        )  # fmt: skip
        event_emit(event_type="bill.posted", obj=bill_payload(bill, lines=lines))
    return bill


def bill_void(*, bill: Bill, actor=None) -> Bill:
    return _void(Bill, bill, kind="bill", actor=actor)


def bill_transition(*, bill: Bill, status: str, actor=None) -> Bill:
    """PATCH {"status": ...}: posted (from draft) or void; anything else is a 409 naming the allowed states."""
    if status == S.POSTED and bill.status == S.DRAFT:
        return bill_post(bill=bill, actor=actor)
    if status == S.VOID:
        return bill_void(bill=bill, actor=actor)
    _refuse(bill, "bill", status)
