"""Invoices, bills, receipts, payments, journal entries and periods. Writes are the services the API's
POST/PATCH call, behind the same permissions: change_invoice / change_bill to post or void, add_receipt /
add_payment to record money, add_journalentry to reverse, add_period / change_period for periods."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from cashsheet.api.exceptions import DomainError
from cashsheet.ui.crud import Column, Resource
from cashsheet.ui.shortcuts import ui_view
from ledger import filters, selectors, services
from ledger.models import Bill, DocumentStatus, Invoice, JournalEntry, Payment, Period, Receipt
from ledger.ui.forms import PeriodForm, ReverseForm

OPEN = (DocumentStatus.POSTED, DocumentStatus.PARTIALLY_PAID)


def _doc_columns(party: str, date_field: str) -> list[Column]:
    return [
        Column("Number", "number", order="number", link=True),
        Column(party.capitalize(), f"{party}.code"),
        Column("Date", date_field, order=date_field),
        Column("Due", "due_date", order="due_date"),
        Column("Status", "status"),
        Column("Total $", "total", order="total", num=True),
        Column("Balance $", "balance_due", order="balance_due", num=True),
    ]


def _doc_context(kind: str):
    def context(doc) -> dict:
        can_void = doc.status == DocumentStatus.DRAFT or (doc.status == DocumentStatus.POSTED and not doc.amount_paid)
        return {"kind": kind, "lines": list(doc.lines.all()), "can_post_doc": doc.status == DocumentStatus.DRAFT,
                "can_void_doc": can_void}  # fmt: skip

    return context


invoices = Resource(
    key="invoices",
    singular="invoice",
    title="Invoices",
    model=Invoice,
    selector=lambda: selectors.invoice_list().select_related("customer"),
    columns=_doc_columns("customer", "invoice_date"),
    filterset_class=filters.InvoiceFilterSet,
    filter_names=("status", "open", "due_before"),
    search_fields=("number", "memo", "customer__code", "customer__name"),
    search_help="number, customer",
    ordering_fields=("created_at", "number", "due_date", "total", "balance_due", "invoice_date"),
    detail_fields=[
        ("Customer", "customer"),
        ("Invoice date", "invoice_date"),
        ("Due", "due_date"),
        ("Status", "status"),
        ("Total ($)", "total"),
        ("Paid ($)", "amount_paid"),
        ("Balance due ($)", "balance_due"),
        ("Sales order", "sales_order_id"),
        ("Memo", "memo"),
    ],  # fmt: skip
    detail_extra="ledger/_document.html",
    detail_context=_doc_context("invoices"),
    label=lambda d: d.number,
    deactivate=False,
    add_url_name="ui-invoices-new",
)

bills = Resource(
    key="bills",
    singular="bill",
    title="Bills",
    model=Bill,
    selector=lambda: selectors.bill_list().select_related("vendor"),
    columns=_doc_columns("vendor", "bill_date"),
    filterset_class=filters.BillFilterSet,
    filter_names=("status", "open", "due_before"),
    search_fields=("number", "memo", "vendor_reference", "vendor__code", "vendor__name"),
    search_help="number, vendor",
    ordering_fields=("created_at", "number", "due_date", "total", "balance_due", "bill_date"),
    detail_fields=[
        ("Vendor", "vendor"),
        ("Vendor reference", "vendor_reference"),
        ("Bill date", "bill_date"),
        ("Due", "due_date"),
        ("Status", "status"),
        ("Total ($)", "total"),
        ("Paid ($)", "amount_paid"),
        ("Balance due ($)", "balance_due"),
        ("Memo", "memo"),
    ],  # fmt: skip
    detail_extra="ledger/_document.html",
    detail_context=_doc_context("bills"),
    label=lambda d: d.number,
    deactivate=False,
    add_url_name="ui-bills-new",
)


def _cash_columns(party: str) -> list[Column]:
    return [
        Column("Number", "number", order="number", link=True),
        Column(party.capitalize(), f"{party}.code"),
        Column("Date", "date", order="date"),
        Column("Method", "get_method_display"),
        Column("Reference", "reference"),
        Column("Amount $", "amount", order="amount", num=True),
        Column("Unapplied $", "unapplied_amount", num=True),
    ]


def _cash_context(doc) -> dict:
    return {"applications": list(doc.applications.all())}


receipts = Resource(
    key="receipts",
    singular="receipt",
    title="Receipts",
    model=Receipt,
    selector=lambda: selectors.receipt_list().select_related("customer"),
    columns=_cash_columns("customer"),
    filterset_class=filters.ReceiptFilterSet,
    filter_names=("method", "date_from", "date_to"),
    search_fields=("number", "reference", "memo", "customer__code"),
    ordering_fields=("created_at", "number", "date", "amount"),
    detail_fields=[
        ("Customer", "customer"),
        ("Date", "date"),
        ("Amount ($)", "amount"),
        ("Method", "get_method_display"),
        ("Reference", "reference"),
        ("Applied ($)", "applied_amount"),
        ("Unapplied ($)", "unapplied_amount"),
        ("Memo", "memo"),
    ],  # fmt: skip
    detail_extra="ledger/_applications.html",
    detail_context=_cash_context,
    label=lambda d: d.number,
    deactivate=False,
    add_url_name="ui-receipts-new",
)

payments = Resource(
    key="payments",
    singular="payment",
    title="Payments",
    model=Payment,
    selector=lambda: selectors.payment_list().select_related("vendor"),
    columns=_cash_columns("vendor"),
    filterset_class=filters.PaymentFilterSet,
    filter_names=("method", "date_from", "date_to"),
    search_fields=("number", "reference", "memo", "vendor__code"),
    ordering_fields=("created_at", "number", "date", "amount"),
    detail_fields=[
        ("Vendor", "vendor"),
        ("Date", "date"),
        ("Amount ($)", "amount"),
        ("Method", "get_method_display"),
        ("Reference", "reference"),
        ("Applied ($)", "applied_amount"),
        ("Unapplied ($)", "unapplied_amount"),
        ("Memo", "memo"),
    ],  # fmt: skip
    detail_extra="ledger/_applications.html",
    detail_context=_cash_context,
    label=lambda d: d.number,
    deactivate=False,
    add_url_name="ui-payments-new",
)


def _entry_context(entry) -> dict:
    lines = list(entry.lines.select_related("account", "customer", "vendor", "facility"))
    return {"entry_lines": lines, "reverse_form": ReverseForm()}


journal_entries = Resource(
    key="journal-entries",
    singular="journal entry",
    title="Journal entries",
    model=JournalEntry,
    selector=selectors.journal_entry_list,
    columns=[
        Column("Number", "number", order="number", link=True),
        Column("Date", "entry_date", order="entry_date"),
        Column("Source", "get_source_display"),
        Column("Memo", "memo"),
        Column("Debits $", lambda e: sum(line.debit for line in e.lines.all()), num=True),
    ],
    filterset_class=filters.JournalEntryFilterSet,
    filter_names=("source", "entry_date_from", "entry_date_to"),
    search_fields=("memo",),
    ordering_fields=("created_at", "number", "entry_date"),
    ordering=("-number",),
    detail_fields=[
        ("Number", "number"),
        ("Date", "entry_date"),
        ("Source", "get_source_display"),
        ("Source id", "source_id"),
        ("Memo", "memo"),
        ("Reverses", "reverses.number"),
    ],  # fmt: skip
    detail_extra="ledger/_entry.html",
    detail_context=_entry_context,
    label=lambda e: str(e.number),
    deactivate=False,
    add_url_name="ui-journal-entries-new",
)

periods = Resource(
    key="periods",
    singular="period",
    title="Accounting periods",
    model=Period,
    selector=selectors.period_list,
    columns=[
        Column("Name", "name", order="name", link=True),
        Column("From", "start_date", order="start_date"),
        Column("To", "end_date"),
        Column("Status", "status"),
        Column("Closed at", "closed_at"),
    ],
    form_class=PeriodForm,
    create=lambda data: services.period_create(**data),
    filterset_class=filters.PeriodFilterSet,
    filter_names=("status",),
    search_fields=("name",),
    ordering_fields=("created_at", "start_date", "name"),
    ordering=("-start_date",),
    detail_fields=[
        ("Name", "name"),
        ("From", "start_date"),
        ("To", "end_date"),
        ("Status", "status"),
        ("Closed at", "closed_at"),
    ],  # fmt: skip
    detail_extra="ledger/_period.html",
    label=lambda p: p.name,
    deactivate=False,
)

DOCS = {
    "invoices": (Invoice, selectors.invoice_list, services.invoice_transition, "invoice", "ledger.change_invoice"),
    "bills": (Bill, selectors.bill_list, services.bill_transition, "bill", "ledger.change_bill"),
}


@ui_view(methods=("POST",))
def document_action(request, pk: int, action: str, kind: str):
    """Post or void an invoice or a bill (the PATCH {"status": ...} of the API)."""
    if kind not in DOCS or action not in ("post", "void"):
        raise Http404
    _model, selector, transition, name, permission = DOCS[kind]
    if not request.user.has_perm(permission):
        raise PermissionDenied
    doc = get_object_or_404(selector(), pk=pk)
    status = DocumentStatus.POSTED if action == "post" else DocumentStatus.VOID
    try:
        with transaction.atomic():
            transition(**{name: doc}, status=status, actor=request.user)
        messages.success(request, f"{name.capitalize()} {doc.number} {'posted' if action == 'post' else 'voided'}.")
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect(f"ui-{kind}-detail", pk)


@ui_view("ledger.view_journalentry", "ledger.add_journalentry", methods=("POST",))
def entry_reverse(request, pk: int):
    entry = get_object_or_404(selectors.journal_entry_list(), pk=pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                mirror = services.journal_entry_reverse(
                    entry=entry, entry_date=form.cleaned_data["entry_date"], memo=form.cleaned_data["memo"] or None,
                    actor=request.user,
                )  # fmt: skip
            messages.success(request, f"Entry {entry.number} reversed by entry {mirror.number}.")
            return redirect("ui-journal-entries-detail", mirror.pk)
        except DomainError as exc:
            messages.error(request, exc.detail)
    else:
        messages.error(request, "The reversal date is not a date.")
    return redirect("ui-journal-entries-detail", pk)


@ui_view("ledger.view_period", "ledger.change_period", methods=("POST",))
def period_action(request, pk: int, action: str):
    period = get_object_or_404(selectors.period_list(), pk=pk)
    service = {"close": services.period_close, "reopen": services.period_reopen}.get(action)
    if service is None:
        raise Http404
    try:
        with transaction.atomic():
            service(period=period, actor=request.user)
        messages.success(request, f"Period {period.name} {'closed' if action == 'close' else 'reopened'}.")
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("ui-periods-detail", pk)
