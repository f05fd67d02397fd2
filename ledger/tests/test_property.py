"""Property: whatever sequence of documents and entries users post (or fail to post), the books balance.

After every step: trial balance debits = credits, the balance sheet balances, every invoice/bill's
balance = its lines − its applications, every receipt/payment's applied + unapplied = its amount, and
the receivables/payables accounts equal the open documents minus unapplied cash. A refused step
changes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cashsheet.api.exceptions import DomainError
from ledger import reports, services
from ledger.models import (
    Account,
    Bill,
    Invoice,
    JournalEntry,
    JournalLine,
    Payment,
    Receipt,
)
from ledger.tests.factories import make_customer, make_vendor

D = Decimal
START = date(2026, 1, 5)
cents = st.integers(min_value=1, max_value=500_000).map(lambda c: D(c) / 100)

ops = st.one_of(
    st.tuples(st.just("invoice"), st.integers(0, 1), st.lists(cents, min_size=1, max_size=3), st.booleans()),
    st.tuples(st.just("bill"), st.integers(0, 1), st.lists(cents, min_size=1, max_size=3), st.booleans()),
    st.tuples(st.just("receipt"), st.integers(0, 1), cents, st.lists(st.tuples(st.integers(0, 9), cents), max_size=2)),
    st.tuples(st.just("payment"), st.integers(0, 1), cents, st.lists(st.tuples(st.integers(0, 9), cents), max_size=2)),
    st.tuples(st.just("void"), st.sampled_from(["invoice", "bill"]), st.integers(0, 9)),
    st.tuples(st.just("post"), st.sampled_from(["invoice", "bill"]), st.integers(0, 9)),
    st.tuples(
        st.just("manual"), st.integers(0, 30), st.integers(0, 30), cents, st.sampled_from([D(0), D(0), D("0.01")])
    ),
    st.tuples(st.just("reverse"), st.integers(0, 9)),
)


def _sum(qs, field="amount") -> Decimal:
    return qs.aggregate(s=Sum(field))["s"] or D("0.00")


def snapshot():
    return (
        JournalLine.objects.count(),
        _sum(JournalLine.objects, "debit"),
        list(Invoice.objects.order_by("pk").values_list("status", "amount_paid")),
        list(Bill.objects.order_by("pk").values_list("status", "amount_paid")),
        Receipt.objects.count(),
        Payment.objects.count(),
    )


def check_invariants(roles):
    far = {"as_of": "2099-12-31"}
    tb = reports.trial_balance(far)
    assert tb["balanced"] and tb["totals"]["debit"] == tb["totals"]["credit"]
    assert _sum(JournalLine.objects, "debit") == _sum(JournalLine.objects, "credit")
    assert reports.balance_sheet(far)["balanced"]
    for model, apps_name in ((Invoice, "applications"), (Bill, "applications")):
        for doc in model.objects.prefetch_related("lines", apps_name):
            lines = sum((line.amount for line in doc.lines.all()), D("0.00"))
            applied = sum((a.amount for a in getattr(doc, apps_name).all()), D("0.00"))
            assert doc.total == lines and doc.amount_paid == applied
            assert doc.balance_due == lines - applied >= 0
            expected = {
                doc.status in ("draft", "void"): applied == 0,
                doc.status == "paid": doc.balance_due == 0 and applied > 0,
                doc.status == "partially_paid": 0 < applied < doc.total,
                doc.status == "posted": applied == 0,
            }
            assert expected[True], (doc.number, doc.status, applied)
    for model in (Receipt, Payment):
        for cash in model.objects.prefetch_related("applications"):
            applied = sum((a.amount for a in cash.applications.all()), D("0.00"))
            assert cash.applied_amount == applied and cash.unapplied_amount == cash.amount - applied >= 0
    for role, docs, cash, sign in (
        ("accounts_receivable", Invoice, Receipt, 1),
        ("accounts_payable", Bill, Payment, -1),
    ):
        lines = JournalLine.objects.filter(account=roles[role])
        control = sign * (_sum(lines, "debit") - _sum(lines, "credit"))
        open_docs = _sum(docs.objects.exclude(status__in=["draft", "void"]), "balance_due")
        assert control == open_docs - _sum(cash.objects, "unapplied_amount"), role


@pytest.fixture
def parties(silo):
    return [make_customer(), make_customer()], [make_vendor(), make_vendor()]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(ops, min_size=1, max_size=10))
def test_books_always_balance(silo, roles, parties, steps):
    customers, vendors = parties
    accounts = list(Account.objects.order_by("code"))
    revenue, expense = roles["sales_revenue"], roles["processing"]
    with transaction.atomic():
        manual: list[JournalEntry] = []
        for day, step in enumerate(steps):
            when = START + timedelta(days=day)
            before = snapshot()
            try:
                with transaction.atomic():
                    apply(step, when, customers, vendors, accounts, revenue, expense, manual)
            except DomainError:
                assert snapshot() == before, step  # a refused step changes nothing
            check_invariants(roles)
        transaction.set_rollback(True)


def apply(step, when, customers, vendors, accounts, revenue, expense, manual):
    kind = step[0]
    if kind in ("invoice", "bill"):
        _, who, amounts, post = step
        lines = [{"description": f"line {i}", "amount": a} for i, a in enumerate(amounts)]
        if kind == "invoice":
            doc = services.invoice_create(customer=customers[who], invoice_date=when, lines=lines)
            if post:
                services.invoice_post(invoice=doc)
        else:
            lines = [{**line, "account": expense} for line in lines]
            doc = services.bill_create(vendor=vendors[who], bill_date=when, lines=lines)
            if post:
                services.bill_post(bill=doc)
    elif kind in ("receipt", "payment"):
        _, who, amount, picks = step
        model = Invoice if kind == "receipt" else Bill
        party = {"customer": customers[who]} if kind == "receipt" else {"vendor": vendors[who]}
        docs = list(model.objects.order_by("pk"))  # any document: wrong party or state must be refused
        doc_key = "invoice" if kind == "receipt" else "bill"
        applications = [{doc_key: docs[i % len(docs)], "amount": a} for i, a in picks] if docs else []
        create = services.receipt_create if kind == "receipt" else services.payment_create
        create(**party, date=when, amount=amount, method="ach", applications=applications)
    elif kind in ("void", "post"):
        _, doc_kind, index = step
        model = Invoice if doc_kind == "invoice" else Bill
        docs = list(model.objects.order_by("pk"))
        if not docs:
            return
        doc = docs[index % len(docs)]
        call = {
            ("void", "invoice"): lambda: services.invoice_void(invoice=doc),
            ("void", "bill"): lambda: services.bill_void(bill=doc),
            ("post", "invoice"): lambda: services.invoice_post(invoice=doc),
            ("post", "bill"): lambda: services.bill_post(bill=doc),
        }
        call[(kind, doc_kind)]()
    elif kind == "manual":
        _, a, b, amount, skew = step
        manual.append(
            services.journal_entry_post(
                entry_date=when, memo="manual", source="manual",
                lines=[{"account": accounts[a % len(accounts)], "debit": amount},
                       {"account": accounts[b % len(accounts)], "credit": amount + skew}],
            )
        )  # fmt: skip
    elif kind == "reverse" and manual:
        services.journal_entry_reverse(entry=manual[step[1] % len(manual)])
