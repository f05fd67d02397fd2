"""Money in the silo UI: invoices post and void, a receipt applied to an invoice pays it, bills and payments,
journal entry reversal, periods close and reopen; the API's permissions on every POST."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cashsheet.testing.ui import text, ui_client
from ledger import services
from ledger.models import Invoice, Period, Receipt

AR = ("ledger.view_invoice", "ledger.change_invoice", "ledger.view_receipt", "ledger.add_receipt")


def _invoice(customer, amount="1200.00"):
    return services.invoice_create(customer=customer, invoice_date=timezone.localdate() - timedelta(days=40),
                                   lines=[{"description": "Ribeye", "amount": Decimal(amount)}])  # fmt: skip


def test_post_an_invoice_then_a_receipt_pays_it(silo, make_user, customer):
    invoice = _invoice(customer)
    client = ui_client(silo, make_user(*AR))
    detail = text(client.get(f"/invoices/{invoice.pk}/"))
    assert "Post" in detail and "Ribeye" in detail and "1,200.00" in detail
    assert client.post(f"/invoices/{invoice.pk}/post/").status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "posted"
    listing = text(client.get("/invoices/", {"open": "true", "search": invoice.number}))
    assert "1 invoice" in listing
    prefill = client.get("/receipts/new/", {"customer": customer.pk, "invoice": invoice.pk, "amount": "1200.00"})
    html = prefill.content.decode()
    assert f'name="apply_{invoice.pk}"' in html and html.count('value="1200.00"') == 2  # the amount, applied
    data = {"customer": customer.pk, f"apply_{invoice.pk}": "1200.00", "date": str(timezone.localdate()),
            "amount": "1200.00", "method": "ach", "reference": "wire 1"}  # fmt: skip
    response = client.post("/receipts/new/", data)
    receipt = Receipt.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == f"/receipts/{receipt.pk}/"
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.balance_due == 0
    assert "$1,200.00 applied" in text(client.get(response["Location"]))


def test_a_receipt_refused_is_shown_on_the_form(silo, make_user, customer):
    client = ui_client(silo, make_user(*AR))
    bad = client.post("/receipts/new/", {"customer": customer.pk, "date": "2026-13-01", "amount": "-5", "method": "x"})
    html = bad.content.decode()
    assert bad.status_code == 200 and 'id="id_amount_error"' in html and 'id="id_date_error"' in html
    assert not Receipt.objects.filter(customer=customer).exists()


def test_void_a_draft_and_dashboard_shows_overdue(silo, make_user, customer):
    overdue = _invoice(customer, "300.00")
    services.invoice_post(invoice=overdue)
    draft = _invoice(customer, "50.00")
    client = ui_client(silo, make_user(*AR))
    client.post(f"/invoices/{draft.pk}/void/")
    draft.refresh_from_db()
    assert draft.status == "void"
    board = text(client.get("/"))
    assert "Receivables" in board and "overdue" in board


def test_a_reader_sees_no_buttons_and_gets_403(silo, make_user, customer):
    invoice = _invoice(customer)
    client = ui_client(silo, make_user("ledger.view_invoice", "ledger.view_receipt"))
    detail = text(client.get(f"/invoices/{invoice.pk}/"))
    assert "Post" not in detail.replace("Posted", "") and "Void" not in detail
    assert "Record a receipt" not in text(client.get("/receipts/"))
    assert client.post(f"/invoices/{invoice.pk}/post/").status_code == 403
    assert client.post("/receipts/new/", {"customer": customer.pk, "amount": "1", "method": "ach",
                                          "date": "2026-03-01"}).status_code == 403  # fmt: skip
    assert Invoice.objects.get(pk=invoice.pk).status == "draft"


def test_periods_close_and_reopen_and_entries_reverse(silo, make_user):
    client = ui_client(silo, make_user(superuser=True))
    response = client.post("/periods/new/", {"name": "2031-01", "start_date": "2031-01-01", "end_date": "2031-01-31"})
    period = Period.objects.get(name="2031-01")
    assert response.status_code == 302
    client.post(f"/periods/{period.pk}/close/")
    period.refresh_from_db()
    assert period.status == "closed"
    assert "Reopen period 2031-01" in text(client.get(f"/periods/{period.pk}/"))
    client.post(f"/periods/{period.pk}/reopen/")
    period.refresh_from_db()
    assert period.status == "open"
    from ledger.models import Account

    cash, equity = Account.objects.filter(role__isnull=True, active=True).order_by("code")[:2]
    entry = services.journal_entry_post(
        entry_date=timezone.localdate(), memo="Owner's injection", source="manual",
        lines=[{"account": cash, "debit": Decimal("10.00")}, {"account": equity, "credit": Decimal("10.00")}],
    )  # fmt: skip
    reversed_ = client.post(f"/journal-entries/{entry.pk}/reverse/", {"entry_date": "", "memo": ""})
    assert reversed_.status_code == 302
    assert f"Entry {entry.number} reversed" in text(client.get(reversed_["Location"]))
    assert "already reversed" in text(client.post(f"/journal-entries/{entry.pk}/reverse/", {}, follow=True))


def test_reports_with_csv_and_charts(silo, make_user, customer):
    services.invoice_post(invoice=_invoice(customer, "700.00"))
    client = ui_client(silo, make_user("ledger.view_invoice"))
    index = text(client.get("/reports/"))
    assert "ar-aging" in index and "trial-balance" not in index  # no view_journalentry
    page = client.get("/reports/ar-aging/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and customer.code in html and 'type="date"' in html
    assert "<script" not in html.split("<main")[1] and "style=" not in html.split("<main")[1]
    csv = client.get("/reports/ar-aging/", {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and csv.content.decode().startswith("customer,code,name")
    assert f"{customer.code}," in csv.content.decode()
    bad = client.get("/reports/ar-aging/", {"as_of": "yesterday"})
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()
    assert client.get("/reports/trial-balance/").status_code == 403
    admin = ui_client(silo, make_user(superuser=True))
    income = admin.get("/reports/income-statement/", {"from": "2026-01-01", "to": "2026-03-31"}).content.decode()
    assert "Income statement by month" in income and "2026-02" in income
