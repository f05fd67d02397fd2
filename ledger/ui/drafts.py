"""Create invoices, bills (and edit their lines while draft) and manual journal entries: thin views over
the services POST/PATCH /api/v2/invoices/, /bills/ and POST /journal-entries/ call, behind the same
permissions (add_ to create, change_ to edit a draft)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from cashsheet.api.exceptions import DomainError
from cashsheet.ui.shortcuts import render_page, ui_view
from ledger import selectors, services
from ledger.models import DocumentStatus, EntrySource
from ledger.ui.lines import (
    BILL_ACCOUNTS,
    INVOICE_ACCOUNTS,
    BillForm,
    BillLineFormSet,
    DocumentLineFormSet,
    EntryForm,
    EntryLineFormSet,
    InvoiceForm,
    account_choices,
    accounts_for,
    filled_lines,
    item_codes,
    line_error,
)


@dataclass(frozen=True)
class Doc:
    key: str  # "invoices"
    name: str  # "invoice"
    party: str  # "customer"
    date_field: str
    header: type
    account_types: tuple
    account_help: str
    selector: Callable
    create: Callable
    update: Callable
    header_fields: tuple[str, ...]
    formset: type = DocumentLineFormSet


INVOICE = Doc("invoices", "invoice", "customer", "invoice_date", InvoiceForm, INVOICE_ACCOUNTS,
              "Blank: sales revenue.", selectors.invoice_list, services.invoice_create, services.invoice_update,
              ("customer", "invoice_date", "due_date", "memo"))  # fmt: skip
BILL = Doc("bills", "bill", "vendor", "bill_date", BillForm, BILL_ACCOUNTS,
           "Blank on an item line: goods received not invoiced.", selectors.bill_list, services.bill_create,
           services.bill_update, ("vendor", "bill_date", "due_date", "vendor_reference", "memo"),
           BillLineFormSet)  # fmt: skip


def _formset(doc: Doc, data=None, initial=None):
    choices = account_choices(accounts_for(*doc.account_types))
    return doc.formset(data, initial=initial, prefix="lines",
                       form_kwargs={"account_types": doc.account_types, "choices": choices})  # fmt: skip


def _page(request, doc: Doc, form, formset, obj=None):
    context = {"doc": doc, "form": form, "formset": formset, "object": obj, "items": item_codes(),
               "action": request.path, "list_url": f"ui-{doc.key}"}  # fmt: skip
    return render_page(request, "ledger/document_form.html", context)


def _save(request, doc: Doc, obj=None):
    form, formset = doc.header(request.POST), _formset(doc, request.POST)
    if form.is_valid() and formset.is_valid():
        lines = [f.line() for f in filled_lines(formset)]
        header = {k: form.cleaned_data[k] for k in doc.header_fields if k in form.cleaned_data}
        if header.get("due_date") is None:
            header.pop("due_date", None)  # the party's terms
        if not lines:
            form.add_error(None, f"Add at least one line to the {doc.name}.")
        else:
            try:
                with transaction.atomic():
                    if obj is None:
                        saved = doc.create(**header, lines=lines, actor=request.user)
                    else:
                        saved = doc.update(**{doc.name: obj}, **header, lines=lines, actor=request.user)
                verb = "Saved" if obj else "Created draft"
                messages.success(request, f"{verb} {doc.name} {saved.number}: ${saved.total:,}.")
                return redirect(f"ui-{doc.key}-detail", saved.pk)
            except DomainError as exc:
                if not line_error(formset, exc):
                    form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
    return _page(request, doc, form, formset, obj)


def _new(request, doc: Doc):
    if request.method == "POST":
        return _save(request, doc)
    form = doc.header(initial={doc.date_field: timezone.localdate(), doc.party: request.GET.get(doc.party)})
    return _page(request, doc, form, _formset(doc))


def _edit(request, doc: Doc, pk: int):
    obj = get_object_or_404(doc.selector(), pk=pk)
    if obj.status != DocumentStatus.DRAFT:
        messages.error(request, f"{doc.name.capitalize()} {obj.number} is {obj.status}: only a draft can be edited.")
        return redirect(f"ui-{doc.key}-detail", pk)
    if request.method == "POST":
        return _save(request, doc, obj)
    form = doc.header(initial={k: getattr(obj, k if k != doc.party else f"{k}_id") for k in doc.header_fields})
    lines = [
        {
            "item": line.item.imps_code if line.item_id else "",
            "description": line.description,
            "quantity_lb": line.quantity_lb,
            "price_per_lb": line.price_per_lb,
            "amount": line.amount,
            "account": line.account_id,
            "receipt": getattr(line, "receipt_id", None),
        }  # fmt: skip
        for line in obj.lines.select_related("item").order_by("position", "pk")
    ]
    return _page(request, doc, form, _formset(doc, initial=lines), obj)


@ui_view("ledger.view_invoice", "ledger.add_invoice")
def invoice_new(request):
    return _new(request, INVOICE)


@ui_view("ledger.view_invoice", "ledger.change_invoice")
def invoice_edit(request, pk: int):
    return _edit(request, INVOICE, pk)


@ui_view("ledger.view_bill", "ledger.add_bill")
def bill_new(request):
    return _new(request, BILL)


@ui_view("ledger.view_bill", "ledger.change_bill")
def bill_edit(request, pk: int):
    return _edit(request, BILL, pk)


@ui_view("ledger.view_journalentry", "ledger.add_journalentry")
def entry_new(request):
    """A manual journal entry: balanced to the cent, in an open period, never to a control account."""
    form = EntryForm(request.POST or None, initial={"entry_date": timezone.localdate()})
    choices = account_choices(selectors.account_list().filter(active=True).order_by("code"))
    formset = EntryLineFormSet(request.POST or None, prefix="lines", form_kwargs={"choices": choices})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        lines = [f.line() for f in filled_lines(formset)]
        try:
            with transaction.atomic():
                entry = services.journal_entry_post(entry_date=form.cleaned_data["entry_date"],
                                                    memo=form.cleaned_data["memo"], source=EntrySource.MANUAL,
                                                    lines=lines, actor=request.user)  # fmt: skip
            messages.success(request, f"Posted journal entry {entry.number}.")
            return redirect("ui-journal-entries-detail", entry.pk)
        except DomainError as exc:
            if not line_error(formset, exc):
                form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
    debits = sum((f.cleaned_data.get("debit") or 0 for f in formset.forms if f.is_bound and f.is_valid()), 0)
    credits = sum((f.cleaned_data.get("credit") or 0 for f in formset.forms if f.is_bound and f.is_valid()), 0)
    context = {"form": form, "formset": formset, "debits": debits, "credits": credits}
    return render_page(request, "ledger/entry_form.html", context)
