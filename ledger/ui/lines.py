"""Forms with lines: draft invoices and bills (create, and edit while draft) and manual journal entries.

Each is a header form and a formset of lines; blank lines are ignored. The view hands the filled lines to the
service the API calls (invoice_create / invoice_update / bill_create / bill_update / journal_entry_post), and a
refusal naming `lines.N.field` lands beside that field of the Nth filled line.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from cashsheet.api.exceptions import DomainError
from cashsheet.ui import fields
from cashsheet.ui.crud import DATE
from ledger import selectors
from ledger.models import AccountType, InvoiceLine
from ledger.references import referenced_model
from parties import selectors as parties

MAX_LINES = 50


def accounts_for(*types: str):
    return selectors.account_list().filter(active=True, type__in=types).order_by("code")


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, account):
        return f"{account.code} · {account.name}"


def account_choices(queryset) -> list[tuple]:
    """The <option>s of an account picker, read once for every line of a form (not one query per line)."""
    return [("", "---------"), *((a.pk, f"{a.code} · {a.name}") for a in queryset)]


class ItemCodeField(fields.ItemCodeField):
    """An item by IMPS code; the cleaned value is the Item. The ledger does not import inventory: it asks the
    model its own line's foreign key points at (ledger/references.py)."""

    def __init__(self, **kwargs):
        super().__init__(items=lambda: referenced_model(InvoiceLine, "item")._base_manager.all(), **kwargs)


def item_codes():
    """(code, description) for the IMPS code picker's datalist."""
    rows = referenced_model(InvoiceLine, "item")._base_manager.filter(active=True).order_by("imps_code")
    return list(rows.values_list("imps_code", "description"))


class _LineBase(forms.Form):
    def filled(self) -> bool:
        return any(v not in (None, "") for v in (self.cleaned_data or {}).values())


class DocumentLineForm(_LineBase):
    item = ItemCodeField(required=False, label="Item (IMPS code)")
    description = forms.CharField(max_length=300, required=False)
    quantity_lb = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False,
                                     label="Pounds")  # fmt: skip
    price_per_lb = forms.DecimalField(max_digits=12, decimal_places=4, min_value=Decimal(0), required=False,
                                      label="Price $/lb")  # fmt: skip
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False,
                                label="Amount $", help_text="Blank: pounds × price.")  # fmt: skip
    account = AccountChoice(queryset=selectors.account_list().none(), required=False)

    def __init__(self, *args, account_types=(), choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts_for(*account_types)  # validates a posted account
        if choices is not None:
            self.fields["account"].choices = choices

    def line(self) -> dict:
        data, out = self.cleaned_data, {}
        if data.get("item"):
            out["item"] = data["item"].pk
        out["description"] = data.get("description") or ""
        for key in ("quantity_lb", "price_per_lb", "amount"):
            if data.get(key) is not None:
                out[key] = data[key]
        if data.get("account"):
            out["account"] = data["account"].pk
        return out


class BillLineForm(DocumentLineForm):
    receipt = forms.IntegerField(
        required=False, min_value=1, label="Goods receipt #",
        help_text="The stock movement received: GRNI is cleared at its value, the difference to price variance.",
    )  # fmt: skip

    def line(self) -> dict:
        out = super().line()
        if self.cleaned_data.get("receipt"):
            out["receipt"] = self.cleaned_data["receipt"]
        return out


class EntryLineForm(_LineBase):
    account = AccountChoice(queryset=selectors.account_list().none(), required=False)
    debit = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False,
                               label="Debit $")  # fmt: skip
    credit = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False,
                                label="Credit $")  # fmt: skip
    memo = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = selectors.account_list().filter(active=True).order_by("code")
        if choices is not None:
            self.fields["account"].choices = choices

    def clean(self):
        data = super().clean()
        if not self.filled():
            return data
        if not data.get("account") and "account" not in self.errors:
            self.add_error("account", "Which account?")
        if (data.get("debit") is None) == (data.get("credit") is None) and not {"debit", "credit"} & set(self.errors):
            self.add_error("debit", "Give a debit or a credit, not both.")
        return data

    def line(self) -> dict:
        data = self.cleaned_data
        out = {"account": data["account"].pk, "memo": data.get("memo") or ""}
        out.update({"debit": data["debit"]} if data.get("debit") is not None else {"credit": data["credit"]})
        return out


DocumentLineFormSet = forms.formset_factory(DocumentLineForm, extra=3, max_num=MAX_LINES, absolute_max=MAX_LINES)
BillLineFormSet = forms.formset_factory(BillLineForm, extra=3, max_num=MAX_LINES, absolute_max=MAX_LINES)
EntryLineFormSet = forms.formset_factory(EntryLineForm, extra=4, max_num=MAX_LINES, absolute_max=MAX_LINES)


class InvoiceForm(forms.Form):
    customer = forms.ModelChoiceField(parties.customer_list().none())
    invoice_date = forms.DateField(widget=DATE)
    due_date = forms.DateField(widget=DATE, required=False, help_text="Blank: the customer's payment terms.")
    memo = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = parties.customer_list().filter(active=True).order_by("code")


class BillForm(forms.Form):
    vendor = forms.ModelChoiceField(parties.vendor_list().none())
    bill_date = forms.DateField(widget=DATE)
    due_date = forms.DateField(widget=DATE, required=False, help_text="Blank: the vendor's payment terms.")
    vendor_reference = forms.CharField(max_length=100, required=False, label="Vendor's invoice number")
    memo = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = parties.vendor_list().filter(active=True).order_by("code")


class EntryForm(forms.Form):
    entry_date = forms.DateField(widget=DATE, label="Date")
    memo = forms.CharField(max_length=500)


INVOICE_ACCOUNTS = (AccountType.REVENUE,)
BILL_ACCOUNTS = (AccountType.EXPENSE, AccountType.ASSET)


def filled_lines(formset) -> list:
    return [f for f in formset.forms if f.filled()]


def line_error(formset, exc: DomainError) -> bool:
    """A refusal naming `lines.N[.field]`: beside that field of the Nth filled line (True), else False."""
    match = re.fullmatch(r"lines\.([0-9]+)(?:\.([a-z_]+))?", exc.field or "")
    filled = filled_lines(formset)
    if not match or int(match[1]) >= len(filled):
        return False
    line = filled[int(match[1])]
    name = {"account_id": "account", "item_id": "item"}.get(match[2] or "", match[2])
    line.add_error(name if name in line.fields else None, exc.detail)
    return True
