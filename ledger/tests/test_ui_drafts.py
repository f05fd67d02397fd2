"""Invoices, bills and manual journal entries made in the UI with their lines (draft lines editable), and a
receipt or payment applied across several open documents: the API's services, errors beside the field."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cashsheet.testing.ui import text, ui_client
from ledger import services
from ledger.models import Account, Bill, Invoice, JournalEntry, Payment, Receipt

TODAY = timezone.localdate


def _mgmt(total: int) -> dict:
    return {"lines-TOTAL_FORMS": str(total), "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "50"}  # fmt: skip


def _lines(*rows: dict, blank: int = 1) -> dict:
    data = _mgmt(len(rows) + blank)
    for i, row in enumerate(rows):
        data.update({f"lines-{i}-{k}": v for k, v in row.items()})
    return data


@pytest.fixture
def accountant(silo, make_user):
    return ui_client(silo, make_user(superuser=True))


def test_an_invoice_with_lines_then_its_draft_lines_edited(accountant, customer, item):
    form = accountant.get("/invoices/new/").content.decode()
    assert 'name="lines-0-item"' in form and 'list="item-codes"' in form and "Pounds, line 1" in form
    data = {"customer": customer.pk, "invoice_date": str(TODAY()), "memo": "Walk-in",
            **_lines({"item": item.imps_code, "quantity_lb": "100", "price_per_lb": "4.50"},
                     {"description": "Freight", "amount": "25.00"})}  # fmt: skip
    made = accountant.post("/invoices/new/", data)
    invoice = Invoice.objects.get(customer=customer)
    assert made.status_code == 302 and made["Location"] == f"/invoices/{invoice.pk}/"
    assert invoice.status == "draft" and invoice.total == Decimal("475.00") and invoice.lines.count() == 2
    assert invoice.due_date == TODAY() + timedelta(days=30)  # the customer's terms
    detail = text(accountant.get(made["Location"]))
    assert f"Edit draft {invoice.number}" in detail
    edit = accountant.get(f"/invoices/{invoice.pk}/edit/").content.decode()
    assert f'value="{item.imps_code}"' in edit and 'value="Freight"' in edit
    data = {"customer": customer.pk, "invoice_date": str(TODAY()), "memo": "Walk-in",
            **_lines({"item": item.imps_code, "quantity_lb": "100", "price_per_lb": "5.00"})}  # fmt: skip
    assert accountant.post(f"/invoices/{invoice.pk}/edit/", data).status_code == 302
    invoice.refresh_from_db()
    assert invoice.total == Decimal("500.00") and invoice.lines.count() == 1
    services.invoice_post(invoice=invoice)
    refused = accountant.get(f"/invoices/{invoice.pk}/edit/", follow=True)
    assert "only a draft can be edited" in text(refused)


@pytest.mark.parametrize(
    ("change", "error_id", "message"),
    [
        ({"invoice_date": "2026-02-31"}, "id_invoice_date_error", "valid date"),
        ({"lines-0-quantity_lb": "10", "lines-0-price_per_lb": ""}, "id_lines-0-quantity_lb_error", "both"),
        ({"lines-0-amount": "-3"}, "id_lines-0-amount_error", "greater than or equal to 0.01"),
        ({"lines-0-item": "NOPE"}, "id_lines-0-item_error", "No active item"),
        ({"lines-0-description": "", "lines-0-amount": ""}, None, "at least one line"),
    ],
)
def test_a_bad_invoice_form_keeps_what_was_typed(accountant, customer, change, error_id, message):
    data = {"customer": customer.pk, "invoice_date": str(TODAY()), "memo": "kept memo",
            **_lines({"description": "Trim", "amount": "10.00"}), **change}  # fmt: skip
    response = accountant.post("/invoices/new/", data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    if error_id:
        assert f'id="{error_id}"' in html
    assert 'value="kept memo"' in html
    assert not Invoice.objects.filter(customer=customer).exists()


def test_a_bill_line_to_an_expense_account_and_a_refused_account(accountant, vendor, roles):
    expense = Account.objects.filter(type="expense", role=None, active=True).order_by("code").first()
    data = {"vendor": vendor.pk, "bill_date": str(TODAY()), "vendor_reference": "V-77",
            **_lines({"description": "Knife sharpening", "amount": "80.00", "account": expense.pk})}  # fmt: skip
    assert accountant.post("/bills/new/", data).status_code == 302
    bill = Bill.objects.get(vendor=vendor)
    assert bill.vendor_reference == "V-77" and bill.lines.get().account == expense
    data["lines-0-account"] = roles["inventory"].pk  # stock moves only with stock movements
    refused = accountant.post("/bills/new/", data).content.decode()
    assert 'id="id_lines-0-account_error"' in refused or "stock on hand" in refused
    assert Bill.objects.filter(vendor=vendor).count() == 1


def test_a_manual_entry_balanced_posts_and_unbalanced_is_refused(accountant, roles):
    cash, other = Account.objects.filter(role=None, active=True).order_by("code")[:2]
    base = {"entry_date": str(TODAY()), "memo": "Owner's injection"}
    unbalanced = accountant.post("/journal-entries/new/", {**base, **_lines(
        {"account": cash.pk, "debit": "10.00"}, {"account": other.pk, "credit": "9.99"})})  # fmt: skip
    assert unbalanced.status_code == 200 and "10.00" in text(unbalanced) and "9.99" in text(unbalanced)
    assert not JournalEntry.objects.filter(memo="Owner's injection").exists()
    both = accountant.post("/journal-entries/new/", {**base, **_lines(
        {"account": cash.pk, "debit": "1", "credit": "1"}, {"account": other.pk, "credit": "1"})})  # fmt: skip
    assert 'id="id_lines-0-debit_error"' in both.content.decode()
    control = accountant.post(
        "/journal-entries/new/",
        {
            **base,
            **_lines(
                {"account": roles["accounts_receivable"].pk, "debit": "5.00"}, {"account": other.pk, "credit": "5.00"}
            ),
        },
    )
    assert 'id="id_lines-0-account_error"' in control.content.decode()
    posted = accountant.post("/journal-entries/new/", {**base, **_lines(
        {"account": cash.pk, "debit": "10.00"}, {"account": other.pk, "credit": "10.00"})})  # fmt: skip
    entry = JournalEntry.objects.get(memo="Owner's injection")
    assert posted.status_code == 302 and posted["Location"] == f"/journal-entries/{entry.pk}/"
    assert entry.source == "manual" and entry.lines.count() == 2


def _posted(customer, amount: str, days_ago: int):
    invoice = services.invoice_create(customer=customer, invoice_date=TODAY() - timedelta(days=days_ago),
                                      lines=[{"description": "Chuck", "amount": Decimal(amount)}])  # fmt: skip
    return services.invoice_post(invoice=invoice)


def test_a_receipt_across_several_invoices_oldest_first(accountant, customer, other_customer):
    old, new = _posted(customer, "300.00", 50), _posted(customer, "500.00", 10)
    foreign = _posted(other_customer, "99.00", 5)
    page = accountant.get("/receipts/new/", {"customer": customer.pk}).content.decode()
    assert old.number in page and new.number in page and foreign.number not in page
    assert f"Apply to {old.number} $" in page  # the input's label names the row
    form = page.split('id="cash-form"')[1]
    assert form.index('value="record"') < form.index('value="fill"')  # Enter records; it does not refill
    assert form.index('value="refresh"') > form.index("<noscript>")  # htmx reloads; the button is for no JS
    base = {"customer": customer.pk, "date": str(TODAY()), "amount": "600.00", "method": "ach"}
    filled = accountant.post("/receipts/new/", {**base, "action": "fill"}).content.decode()
    assert f'name="apply_{old.pk}" value="300.00"' in filled and f'name="apply_{new.pk}" value="300.00"' in filled
    over = accountant.post("/receipts/new/", {**base, f"apply_{old.pk}": "300.00", f"apply_{new.pk}": "400.00"})
    assert "more than the amount" in text(over) and not Receipt.objects.filter(customer=customer).exists()
    too_much = accountant.post("/receipts/new/", {**base, f"apply_{old.pk}": "301.00"})
    assert f'id="id_apply_{old.pk}_error"' in too_much.content.decode()
    done = accountant.post("/receipts/new/", {**base, f"apply_{old.pk}": "300.00", f"apply_{new.pk}": "300.00"})
    receipt = Receipt.objects.get(customer=customer)
    assert done.status_code == 302 and receipt.applied_amount == Decimal("600.00")
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == "paid" and new.status == "partially_paid" and new.balance_due == Decimal("200.00")


def test_changing_the_party_reloads_its_open_documents_with_htmx(accountant, vendor):
    bill = services.bill_post(bill=services.bill_create(
        vendor=vendor, bill_date=TODAY(), lines=[{"description": "Boxes", "amount": Decimal("40.00"),
        "account": Account.objects.filter(type="expense", role=None).order_by("code").first()}]))  # fmt: skip
    partial = accountant.post("/payments/new/", {"vendor": vendor.pk, "amount": "40", "action": "refresh"},
                              HTTP_HX_REQUEST="true")  # fmt: skip
    html = partial.content.decode()
    assert "<html" not in html and 'id="cash-form"' in html and bill.number in html
    assert not Payment.objects.exists()


def test_without_add_permission_the_forms_are_403(silo, make_user, customer):
    reader = ui_client(silo, make_user("ledger.view_invoice", "ledger.view_bill", "ledger.view_journalentry"))
    assert "New invoice" not in text(reader.get("/invoices/"))
    assert "New journal entry" not in text(reader.get("/journal-entries/"))
    data = {"customer": customer.pk, "invoice_date": str(TODAY()), **_lines({"description": "x", "amount": "1"})}
    assert reader.post("/invoices/new/", data).status_code == 403
    assert reader.post("/journal-entries/new/", {}).status_code == 403
    assert not Invoice.objects.filter(customer=customer).exists()
