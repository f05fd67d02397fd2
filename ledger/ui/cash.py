"""Receipts and payments applied across several open documents of one customer or vendor.

The form lists the party's open invoices (bills) with an amount to apply beside each; "Fill oldest first"
spreads the amount over them by due date, and changing the party reloads the list (htmx, or the "Show open
invoices" button without JavaScript). The service (receipt_create / payment_create, as POST /receipts/)
checks what matters again under row locks: each document the party's, open, owed at least its share, and
the total no more than the amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone

from cashsheet.ui.crud import DATE, service_run
from cashsheet.ui.shortcuts import render_page, ui_view
from ledger import selectors, services
from ledger.models import DocumentStatus, PaymentMethod
from parties import selectors as parties

OPEN = (DocumentStatus.POSTED, DocumentStatus.PARTIALLY_PAID)
MAX_OPEN = 100  # open documents listed for one party, oldest due first


@dataclass(frozen=True)
class Kind:
    name: str  # "receipt"
    party: str  # "customer"
    doc: str  # "invoice"
    parties: object  # () -> QuerySet of the parties
    documents: object  # () -> QuerySet of the documents
    create: object  # the service


RECEIPT = Kind("receipt", "customer", "invoice", parties.customer_list, selectors.invoice_list, services.receipt_create)
PAYMENT = Kind("payment", "vendor", "bill", parties.vendor_list, selectors.bill_list, services.payment_create)


def open_documents(kind: Kind, party_id) -> list:
    try:
        party_id = int(party_id)
    except (TypeError, ValueError):
        return []
    rows = kind.documents().filter(**{f"{kind.party}_id": party_id}, status__in=OPEN)
    return list(rows.order_by("due_date", "number", "pk")[:MAX_OPEN])


class CashForm(forms.Form):
    date = forms.DateField(widget=DATE)
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), label="Amount $")
    method = forms.ChoiceField(choices=PaymentMethod.choices)
    reference = forms.CharField(max_length=100, required=False, help_text="Check number, wire reference…")
    memo = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, kind: Kind, documents: list, **kwargs):
        kwargs["initial"] = {"date": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.kind, self.documents = kind, documents
        party = forms.ModelChoiceField(kind.parties().filter(active=True).order_by("code"), label=kind.party.title())
        self.fields = {kind.party: party, **self.fields}
        for doc in documents:
            self.fields[f"apply_{doc.pk}"] = forms.DecimalField(
                max_digits=14, decimal_places=2, min_value=Decimal("0.00"), max_value=doc.balance_due,
                required=False, label=f"Apply to {doc.number} $",
            )  # fmt: skip

    def rows(self):
        """(document, its amount field) for the template's table."""
        return [(doc, self[f"apply_{doc.pk}"]) for doc in self.documents]

    def clean(self):
        data = super().clean()
        applied = sum((data.get(f"apply_{d.pk}") or Decimal(0) for d in self.documents), Decimal("0.00"))
        if data.get("amount") is not None and applied > data["amount"]:
            self.add_error(None, f"The applications total ${applied:,}, more than the amount ${data['amount']:,}.")
        return data

    def applications(self) -> list[dict]:
        return [
            {self.kind.doc: doc, "amount": self.cleaned_data[f"apply_{doc.pk}"]}
            for doc in self.documents
            if self.cleaned_data.get(f"apply_{doc.pk}")
        ]


def _oldest_first(documents: list, amount: str) -> dict:
    """{"apply_<pk>": share}: `amount` over the documents in order, each up to its balance."""
    try:
        left = Decimal(amount)
    except (ArithmeticError, ValueError, TypeError):
        return {}
    out = {}
    for doc in documents:
        share = min(left, doc.balance_due)
        if share <= 0:
            break
        out[f"apply_{doc.pk}"] = share
        left -= share
    return out


def _cash_new(request, kind: Kind):
    source = request.POST if request.method == "POST" else request.GET
    documents = open_documents(kind, source.get(kind.party))
    action = request.POST.get("action", "record")
    if request.method == "POST" and action == "record":
        form = CashForm(request.POST, kind=kind, documents=documents)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("date", "amount", "method", "reference", "memo")}
            made = service_run(form, lambda: kind.create(
                **{kind.party: form.cleaned_data[kind.party]}, applications=form.applications(), actor=request.user,
                **data,
            ))  # fmt: skip
            if made is not None:
                messages.success(request, f"{kind.name.capitalize()} {made.number} recorded: ${made.amount:,}, "
                                 f"${made.applied_amount:,} applied.")  # fmt: skip
                return redirect(f"ui-{kind.name}s-detail", made.pk)
    else:
        # A first visit, a party changed, or "fill oldest first": an unbound form showing what was typed.
        initial = {k: v for k, v in source.items() if k != "csrfmiddlewaretoken"}
        if action == "fill":
            initial = {k: v for k, v in initial.items() if not k.startswith("apply_")}
            initial.update(_oldest_first(documents, source.get("amount", "")))
        elif source.get(kind.doc):  # "Record a receipt for INV-…": that document gets the amount
            initial[f"apply_{source[kind.doc]}"] = source.get("amount", "")
        form = CashForm(kind=kind, documents=documents, initial=initial)
    context = {"form": form, "kind": kind.name, "doc_kind": kind.doc, "party": kind.party,
               "list_url": f"ui-{kind.name}s", "action_url": f"ui-{kind.name}s-new"}  # fmt: skip
    return render_page(request, "ledger/cash_form.html", context, partial="ledger/_cash_form.html")


@ui_view("ledger.view_receipt", "ledger.add_receipt")
def receipt_new(request):
    return _cash_new(request, RECEIPT)


@ui_view("ledger.view_payment", "ledger.add_payment")
def payment_new(request):
    return _cash_new(request, PAYMENT)
