from decimal import Decimal

from django import forms
from django.utils import timezone

from cashsheet.ui.crud import DATE, ServiceModelForm
from ledger import selectors
from ledger.models import PaymentMethod, Period
from parties import selectors as parties


class _CashForm(forms.Form):
    date = forms.DateField(widget=DATE)
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), label="Amount $")
    method = forms.ChoiceField(choices=PaymentMethod.choices)
    reference = forms.CharField(max_length=100, required=False, help_text="Check number, wire reference…")
    memo = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"date": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


def _open_label(doc) -> str:
    return f"{doc.number} · {doc.party.code} · ${doc.balance_due:,} due {doc.due_date:%Y-%m-%d}"


class ReceiptForm(_CashForm):
    customer = forms.ModelChoiceField(parties.customer_list().filter(active=True).order_by("code"))
    invoice = forms.ModelChoiceField(
        selectors.invoice_list().none(), required=False, label="Apply to invoice",
        help_text="The amount is applied to it (up to its balance); blank: kept as the customer's credit.",
    )  # fmt: skip
    field_order = ["customer", "invoice", "date", "amount", "method", "reference", "memo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = selectors.invoice_list().select_related("customer").filter(status__in=["posted", "partially_paid"])
        self.fields["invoice"].queryset = rows.order_by("due_date", "number")
        self.fields["invoice"].label_from_instance = lambda d: _open_label(_party(d, d.customer))

    def applications(self) -> list[dict]:
        doc, amount = self.cleaned_data.get("invoice"), self.cleaned_data["amount"]
        return [{"invoice": doc, "amount": min(amount, doc.balance_due)}] if doc else []


class PaymentForm(_CashForm):
    vendor = forms.ModelChoiceField(parties.vendor_list().filter(active=True).order_by("code"))
    bill = forms.ModelChoiceField(
        selectors.bill_list().none(), required=False, label="Apply to bill",
        help_text="The amount is applied to it (up to its balance); blank: kept as a prepayment.",
    )  # fmt: skip
    field_order = ["vendor", "bill", "date", "amount", "method", "reference", "memo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = selectors.bill_list().select_related("vendor").filter(status__in=["posted", "partially_paid"])
        self.fields["bill"].queryset = rows.order_by("due_date", "number")
        self.fields["bill"].label_from_instance = lambda d: _open_label(_party(d, d.vendor))

    def applications(self) -> list[dict]:
        doc, amount = self.cleaned_data.get("bill"), self.cleaned_data["amount"]
        return [{"bill": doc, "amount": min(amount, doc.balance_due)}] if doc else []


def _party(doc, party):
    doc.party = party
    return doc


class PeriodForm(ServiceModelForm):
    class Meta:
        model = Period
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}


class ReverseForm(forms.Form):
    entry_date = forms.DateField(widget=DATE, required=False, help_text="Blank: the entry's date or today.")
    memo = forms.CharField(max_length=500, required=False)
