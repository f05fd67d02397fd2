"""Chart of accounts, journal entries and periods, through the API a controller would use."""

from decimal import Decimal

import pytest

from ledger.models import Account, AccountRole, JournalEntry, JournalLine

URL = "/api/v2/journal-entries/"


def entry(cash, revenue, debit="100.00", credit="100.00", date="2026-03-02", **extra):
    return {
        "entry_date": date,
        "memo": "cash sale",
        "lines": [{"account": cash.pk, "debit": debit, "memo": "till"}, {"account": revenue.pk, "credit": credit}],
        **extra,
    }


@pytest.fixture
def cash(roles):
    return roles["cash"]


@pytest.fixture
def revenue(roles):
    return roles["sales_revenue"]


def test_every_new_silo_has_a_meat_processor_chart_with_system_roles(silo):
    roles = dict(Account.objects.exclude(role=None).values_list("role", "type"))
    assert set(AccountRole.values) <= set(roles)
    assert roles["cash"] == "asset" and roles["accounts_payable"] == "liability"
    assert roles["sales_revenue"] == "revenue" and roles["shrink"] == "expense"
    assert roles["retained_earnings"] == "equity"
    assert Account.objects.get(role="accounts_receivable").normal_balance == "debit"


def test_balanced_entry_is_numbered_and_rendered_with_one_side_per_line(api, cash, revenue, customer):
    body = entry(cash, revenue)
    body["lines"][1]["customer"] = customer.pk
    r = api.post(URL, body, format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["number"] >= 1 and data["source"] == "manual"
    assert data["lines"][0]["debit"] == "100.00" and data["lines"][0]["credit"] is None
    assert data["lines"][1]["credit"] == "100.00" and data["lines"][1]["debit"] is None
    assert data["lines"][1]["customer"] == customer.pk
    assert data["total_debit"] == data["total_credit"] == "100.00"
    second = api.post(URL, entry(cash, revenue), format="json").json()
    assert second["number"] == data["number"] + 1


def test_entry_off_by_one_cent_is_refused_with_both_totals_and_writes_nothing(api, cash, revenue):
    before = JournalEntry.objects.count()
    r = api.post(URL, entry(cash, revenue, debit="100.00", credit="99.99"), format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "unbalanced"
    assert body["total_debit"] == "100.00" and body["total_credit"] == "99.99"
    assert body["errors"][0]["field"] == "lines"
    assert JournalEntry.objects.count() == before


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda b: b["lines"].pop(), "lines"),
        (lambda b: b["lines"][0].update(credit="5.00"), "lines.0.debit"),
        (lambda b: b["lines"][0].update(debit="0.00"), "lines.0.debit"),
        (lambda b: b["lines"][0].update(debit="-100.00"), "lines.0.debit"),
        (lambda b: b["lines"][0].update(debit="100.001"), "lines.0.debit"),
        (lambda b: b["lines"][0].update(account=999999), "lines.0.account"),
        (lambda b: b["lines"][0].update(customer=999999), "lines.0.customer"),
        (lambda b: b["lines"][0].update(colour="red"), "lines.0.colour"),
        (lambda b: b.update(entry_date="2026-02-30"), "entry_date"),
        (lambda b: b.update(source="invoice"), "source"),
        (lambda b: b["lines"][0].update(account=Account.objects.get(role="accounts_receivable").pk), "lines.0.account"),
    ],
)
def test_bad_entries_answer_400_naming_the_field(api, cash, revenue, mutate, field):
    body = entry(cash, revenue)
    mutate(body)
    before = JournalLine.objects.count()
    r = api.post(URL, body, format="json")
    assert r.status_code == 400, r.content
    assert field in {e["field"] for e in r.json()["errors"]}, r.json()
    assert JournalLine.objects.count() == before


def test_entries_are_immutable_and_reversed_once_by_a_mirror_entry(api, cash, revenue):
    original = api.post(URL, entry(cash, revenue, debit="42.10", credit="42.10"), format="json").json()
    assert api.patch(f"{URL}{original['id']}/", {"memo": "x"}, format="json").status_code == 405
    assert api.delete(f"{URL}{original['id']}/").status_code == 405
    r = api.post(f"{URL}{original['id']}/reverse/", {"entry_date": "2026-03-05"}, format="json")
    assert r.status_code == 201, r.content
    reversal = r.json()
    assert reversal["source"] == "reversal" and reversal["reverses"] == original["id"]
    assert reversal["lines"][0]["credit"] == "42.10" and reversal["lines"][1]["debit"] == "42.10"
    assert api.get(f"{URL}{original['id']}/").json()["reversed_by"] == reversal["id"]
    again = api.post(f"{URL}{original['id']}/reverse/", {}, format="json")
    assert again.status_code == 409 and "already reversed" in again.json()["detail"]


def test_postings_in_a_closed_period_are_refused_until_it_is_reopened(api, cash, revenue):
    period = api.post(
        "/api/v2/periods/", {"name": "2026-01", "start_date": "2026-01-01", "end_date": "2026-01-31"}, format="json"
    ).json()
    overlap = api.post(
        "/api/v2/periods/", {"name": "x", "start_date": "2026-01-15", "end_date": "2026-02-15"}, format="json"
    )
    assert overlap.status_code == 409
    assert api.post(f"/api/v2/periods/{period['id']}/close/").json()["status"] == "closed"
    r = api.post(URL, entry(cash, revenue, date="2026-01-31"), format="json")
    assert r.status_code == 409 and r.json()["code"] == "period_closed"
    assert r.json()["errors"][0]["field"] == "entry_date"
    assert api.post(URL, entry(cash, revenue, date="2026-02-01"), format="json").status_code == 201
    assert api.post(f"/api/v2/periods/{period['id']}/reopen/").json()["status"] == "open"
    assert api.post(URL, entry(cash, revenue, date="2026-01-31"), format="json").status_code == 201


def test_an_account_with_postings_keeps_its_type_and_cannot_be_deleted(api, cash, revenue):
    fresh = api.post("/api/v2/accounts/", {"code": "6150", "name": "Ammonia", "type": "expense"}, format="json")
    assert fresh.status_code == 201, fresh.content
    assert fresh.json()["normal_balance"] == "debit"
    dup = api.post("/api/v2/accounts/", {"code": "6150", "name": "Again", "type": "expense"}, format="json")
    assert dup.status_code == 409 and dup.json()["existing_id"] == fresh.json()["id"]
    api.post(URL, entry(cash, revenue), format="json")
    r = api.patch(f"/api/v2/accounts/{revenue.pk}/", {"type": "expense"}, format="json")
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "type"
    assert api.patch(f"/api/v2/accounts/{revenue.pk}/", {"name": "Sales"}, format="json").status_code == 200
    assert api.delete(f"/api/v2/accounts/{revenue.pk}/").status_code == 409
    assert Account.objects.filter(pk=revenue.pk, type="revenue").exists()
    unused = fresh.json()["id"]
    assert api.patch(f"/api/v2/accounts/{unused}/", {"type": "asset"}, format="json").status_code == 200
    assert api.delete(f"/api/v2/accounts/{unused}/").status_code == 204


def test_service_posts_with_dimensions_and_refuses_inactive_accounts(silo, cash, revenue, customer):
    from datetime import date

    from ledger.errors import InvalidInput
    from ledger.services import journal_entry_post

    je = journal_entry_post(
        entry_date=date(2026, 3, 2),
        memo="m",
        source="adjustment",
        lines=[
            {"account": cash, "debit": Decimal("10.00"), "memo": "a"},
            {"account": revenue.pk, "credit": "10.00", "memo": "b", "customer_id": customer.pk},
        ],
    )
    assert je.lines.get(credit=10).customer_id == customer.pk
    Account.objects.filter(pk=revenue.pk).update(active=False)
    with pytest.raises(InvalidInput):
        journal_entry_post(
            entry_date=date(2026, 3, 2), memo="", source="manual",
            lines=[{"account": cash, "debit": "1.00"}, {"account": revenue, "credit": "1.00"}],
        )  # fmt: skip
    with pytest.raises(InvalidInput):  # floats are not exact money
        journal_entry_post(
            entry_date=date(2026, 3, 2), memo="", source="manual",
            lines=[{"account": cash, "debit": 0.1}, {"account": cash, "credit": 0.1}],
        )  # fmt: skip
