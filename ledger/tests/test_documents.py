"""Invoices, bills, receipts and payments: status rules, postings, events and applications."""

from datetime import date
from decimal import Decimal

import pytest

from ledger import services
from ledger.errors import InvalidInput, InvalidTransition
from ledger.models import Invoice, JournalEntry, JournalLine, Receipt
from webhooks.models import Event

D = Decimal


def invoice_body(customer, **extra):
    return {
        "customer": customer.pk,
        "invoice_date": "2026-03-02",
        "lines": [
            {"description": "112A ribeye", "quantity_lb": "250.50", "price_per_lb": "14.2000"},
            {"description": "Freight", "amount": "185.00"},
        ],
        **extra,
    }


def balance(account) -> Decimal:
    lines = JournalLine.objects.filter(account=account)
    return sum((line.debit - line.credit for line in lines), D("0.00"))


@pytest.fixture
def posted(api, customer):
    r = api.post("/api/v2/invoices/", invoice_body(customer, status="posted"), format="json")
    assert r.status_code == 201, r.content
    return r.json()


def test_posting_an_invoice_debits_receivables_credits_revenue_and_emits_the_event(api, customer, roles, posted):
    assert posted["status"] == "posted" and posted["total"] == "3742.10" and posted["balance_due"] == "3742.10"
    assert posted["number"].startswith("INV-") and posted["due_date"] == "2026-04-01"
    entry = JournalEntry.objects.get(pk=posted["journal_entry"])
    assert entry.source == "invoice" and entry.source_id == posted["id"] and entry.entry_date == date(2026, 3, 2)
    ar = entry.lines.get(account=roles["accounts_receivable"])
    assert ar.debit == D("3742.10") and ar.customer_id == customer.pk
    assert sorted(line.credit for line in entry.lines.filter(account=roles["sales_revenue"])) == [
        D("185.00"),
        D("3557.10"),
    ]
    event = Event.objects.get(type="invoice.posted")
    assert event.data["object"]["id"] == posted["id"] and event.data["object"]["status"] == "posted"
    assert [line["amount"] for line in event.data["object"]["lines"]] == ["3557.10", "185.00"]


def test_draft_is_editable_but_posted_invoice_edits_answer_409_naming_the_state(api, customer, posted):
    draft = api.post("/api/v2/invoices/", invoice_body(customer), format="json").json()
    r = api.patch(
        f"/api/v2/invoices/{draft['id']}/",
        {"lines": [{"description": "Trim 50s", "quantity_lb": "1000.00", "price_per_lb": "1.0550"}], "memo": "fixed"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["total"] == "1055.00" and len(r.json()["lines"]) == 1
    r = api.patch(f"/api/v2/invoices/{posted['id']}/", {"memo": "late edit"}, format="json")
    assert r.status_code == 409 and r.json()["current_status"] == "posted" and "posted" in r.json()["detail"]
    r = api.patch(f"/api/v2/invoices/{posted['id']}/", {"status": "paid"}, format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition" and r.json()["allowed"] == ["void"]
    assert api.patch(f"/api/v2/invoices/{posted['id']}/", {"status": "posted"}, format="json").status_code == 409
    assert Invoice.objects.get(pk=posted["id"]).memo == ""


def test_voiding_a_posted_unpaid_invoice_posts_the_reversal_and_clears_receivables(api, roles, posted):
    r = api.patch(f"/api/v2/invoices/{posted['id']}/", {"status": "void"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "void"
    reversal = JournalEntry.objects.get(pk=r.json()["void_entry"])
    assert reversal.reverses_id == posted["journal_entry"] and reversal.source == "reversal"
    assert balance(roles["accounts_receivable"]) == 0 and balance(roles["sales_revenue"]) == 0
    r = api.patch(f"/api/v2/invoices/{posted['id']}/", {"status": "posted"}, format="json")
    assert r.status_code == 409 and r.json()["current_status"] == "void" and r.json()["allowed"] == []
    # The document's entry is reversed through the document only.
    assert api.post(f"/api/v2/journal-entries/{posted['journal_entry']}/reverse/").status_code == 409


def test_receipts_move_invoices_to_partially_paid_then_paid_in_the_same_transaction(api, customer, roles, posted):
    url = "/api/v2/receipts/"
    first = {"customer": customer.pk, "date": "2026-03-20", "amount": "1000.00", "method": "check", "reference": "1042",
             "applications": [{"invoice": posted["id"], "amount": "1000.00"}]}  # fmt: skip
    r = api.post(url, first, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["number"].startswith("RCT-") and r.json()["unapplied_amount"] == "0.00"
    inv = api.get(f"/api/v2/invoices/{posted['id']}/").json()
    assert inv["status"] == "partially_paid" and inv["amount_paid"] == "1000.00" and inv["balance_due"] == "2742.10"
    assert api.patch(f"/api/v2/invoices/{posted['id']}/", {"status": "void"}, format="json").status_code == 409
    second = {**first, "amount": "3000.00", "applications": [{"invoice": posted["id"], "amount": "2742.10"}]}
    r = api.post(url, second, format="json")
    assert r.status_code == 201 and r.json()["unapplied_amount"] == "257.90"
    inv = api.get(f"/api/v2/invoices/{posted['id']}/").json()
    assert inv["status"] == "paid" and inv["balance_due"] == "0.00"
    assert Event.objects.filter(type="invoice.paid").count() == 1
    assert balance(roles["cash"]) == D("4000.00")
    # Receivables: 3742.10 invoiced, 4000.00 received → 257.90 customer credit.
    assert balance(roles["accounts_receivable"]) == D("-257.90")


@pytest.mark.parametrize(
    "amount, applications, field, status",
    [
        ("5000.00", lambda inv, other: [{"invoice": inv, "amount": "3742.11"}], "applications.0.amount", 400),
        ("100.00", lambda inv, other: [{"invoice": inv, "amount": "100.01"}], "applications", 400),
        ("100.00", lambda inv, other: [{"invoice": other, "amount": "10.00"}], "applications.0.invoice", 400),
        ("100.00", lambda inv, other: [{"invoice": 987654, "amount": "10.00"}], "applications.0.invoice", 400),
        ("100.00", lambda inv, other: [{"invoice": inv, "amount": "0.00"}], "applications.0.amount", 400),
        ("100.00", lambda inv, other: [{"invoice": inv, "amount": "1"}, {"invoice": inv, "amount": "1"}],
         "applications.1.invoice", 400),
        ("0.00", lambda inv, other: [], "amount", 400),
    ],
)  # fmt: skip
def test_bad_receipts_are_refused_and_change_nothing(
    api, customer, other_customer, posted, amount, applications, field, status
):
    other = api.post("/api/v2/invoices/", invoice_body(other_customer, status="posted"), format="json").json()
    before = (Receipt.objects.count(), JournalEntry.objects.count())
    body = {"customer": customer.pk, "date": "2026-03-20", "amount": amount, "method": "wire",
            "applications": applications(posted["id"], other["id"])}  # fmt: skip
    r = api.post("/api/v2/receipts/", body, format="json")
    assert r.status_code == status, r.content
    assert field in {e["field"] for e in r.json()["errors"]}
    assert (Receipt.objects.count(), JournalEntry.objects.count()) == before
    assert Invoice.objects.get(pk=posted["id"]).amount_paid == 0


def test_paying_a_void_or_draft_invoice_is_a_409_naming_its_state(silo, customer):
    draft = services.invoice_create(
        customer=customer, invoice_date=date(2026, 3, 2), lines=[{"description": "x", "amount": "10.00"}]
    )
    with pytest.raises(InvalidTransition) as exc:
        services.receipt_create(
            customer=customer, date=date(2026, 3, 3), amount=D("10.00"), method="cash",
            applications=[{"invoice": draft, "amount": D("10.00")}],
        )  # fmt: skip
    assert exc.value.context["status"] == "draft"
    services.invoice_void(invoice=draft)
    with pytest.raises(InvalidTransition):
        services.receipt_create(
            customer=customer, date=date(2026, 3, 3), amount=D("10.00"), method="cash",
            applications=[{"invoice": draft.pk, "amount": "10.00"}],
        )  # fmt: skip


def test_invoice_line_rules(silo, customer, roles, item):
    with pytest.raises(InvalidInput) as exc:
        services.invoice_create(
            customer=customer, invoice_date=date(2026, 3, 2),
            lines=[{"item": item, "quantity_lb": D("10.00"), "price_per_lb": D("2.5000"), "amount": D("25.01")}],
        )  # fmt: skip
    assert exc.value.field == "lines.0.amount"
    with pytest.raises(InvalidInput) as exc:
        services.invoice_create(
            customer=customer, invoice_date=date(2026, 3, 2),
            lines=[{"description": "x", "amount": "5.00", "account": roles["cash"]}],
        )  # fmt: skip
    assert exc.value.field == "lines.0.account"
    inv = services.invoice_create(
        customer=customer, invoice_date=date(2026, 3, 2), due_date=date(2026, 3, 9), sales_order_id=77,
        lines=[{"item": item.pk, "quantity_lb": "10.00", "price_per_lb": "2.5050"}],
    )  # fmt: skip
    assert inv.total == D("25.05") and inv.due_date == date(2026, 3, 9) and inv.sales_order_id == 77
    assert inv.lines.get().account == roles["sales_revenue"]
    assert services.invoice_post(invoice=inv).status == "posted"


def test_bills_and_payments_mirror_invoices_and_receipts(api, vendor, item, roles, account):
    lines = [
        {"item": item.pk, "description": "Carcasses", "quantity_lb": "1000.00", "price_per_lb": "3.1150"},
        {"description": "Ammonia service", "amount": "420.00", "account": account("6200").pk},
    ]
    body = {
        "vendor": vendor.pk,
        "bill_date": "2026-03-01",
        "vendor_reference": "V-991",
        "status": "posted",
        "lines": lines,
    }
    r = api.post("/api/v2/bills/", body, format="json")
    assert r.status_code == 201, r.content
    bill = r.json()
    assert (
        bill["total"] == "3535.00"
        and bill["due_date"] == "2026-03-16"
        and bill["lines"][0]["account"] == roles["purchases_clearing"].pk  # an item line clears GRNI
    )
    assert balance(roles["accounts_payable"]) == D("-3535.00") and balance(roles["purchases_clearing"]) == D("3115.00")
    on_inventory = {**body, "lines": [{**lines[0], "account": roles["inventory"].pk}]}
    r = api.post("/api/v2/bills/", on_inventory, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lines.0.account", r.content
    assert Event.objects.filter(type="bill.posted").count() == 1
    revenue_line = {**body, "lines": [{"description": "x", "amount": "1.00", "account": roles["sales_revenue"].pk}]}
    assert api.post("/api/v2/bills/", revenue_line, format="json").status_code == 400
    pay = {"vendor": vendor.pk, "date": "2026-03-15", "amount": "3535.00", "method": "ach",
           "applications": [{"bill": bill["id"], "amount": "3535.00"}]}  # fmt: skip
    r = api.post("/api/v2/payments/", pay, format="json")
    assert r.status_code == 201, r.content
    assert api.get(f"/api/v2/bills/{bill['id']}/").json()["status"] == "paid"
    assert Event.objects.filter(type="bill.paid").count() == 1
    assert balance(roles["accounts_payable"]) == 0 and balance(roles["cash"]) == D("-3535.00")


def test_account_for_role_names_the_missing_role(silo):
    from ledger.errors import RoleMissing
    from ledger.models import Account

    assert services.account_for_role("shrink").code == "5200"
    Account.objects.filter(role="shrink").update(role=None)
    with pytest.raises(RoleMissing) as exc:
        services.account_for_role("shrink")
    assert exc.value.context == {"role": "shrink"} and exc.value.status_code == 409


def test_invoice_list_runs_a_fixed_number_of_queries(api, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v2/invoices/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        api.post("/api/v2/invoices/", invoice_body(customer, status="posted"), format="json")
    few = list_queries()
    for _ in range(6):
        api.post("/api/v2/invoices/", invoice_body(customer), format="json")
    assert list_queries() == few <= 12


def test_a_draft_bill_is_editable_and_voidable(api, vendor, account):
    line = {"description": "Sanitation chemicals", "amount": "612.40", "account": account("6200").pk}
    body = {"vendor": vendor.pk, "bill_date": "2026-03-01", "lines": [line]}
    bill = api.post("/api/v2/bills/", body, format="json").json()
    assert bill["status"] == "draft" and bill["journal_entry"] is None
    r = api.patch(f"/api/v2/bills/{bill['id']}/", {"vendor_reference": "S-2210", "due_date": "2026-03-31"},
                  format="json")  # fmt: skip
    assert r.status_code == 200 and r.json()["vendor_reference"] == "S-2210" and r.json()["due_date"] == "2026-03-31"
    r = api.patch(f"/api/v2/bills/{bill['id']}/", {"status": "void"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "void" and r.json()["void_entry"] is None
    assert JournalEntry.objects.count() == 0
