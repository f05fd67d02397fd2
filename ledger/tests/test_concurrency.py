"""Races with real, separate database connections (committed data in silo `live`)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from cashsheet.api.exceptions import DomainError
from ledger import services
from ledger.models import Account, Invoice, JournalEntry, ReceiptApplication
from ledger.tests.factories import make_customer, unique

D = Decimal


def run_threads(silo, jobs):
    """Start every job at once (barrier), each on its own connection; return results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        try:
            connection.set_tenant(silo)
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each racer got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def posted_invoice(committed):
    customer = make_customer()
    invoice = services.invoice_create(
        customer=customer, invoice_date=date(2026, 3, 2), lines=[{"description": "Brisket", "amount": "100.00"}]
    )
    return services.invoice_post(invoice=invoice)


def _receipt(invoice, amount):
    def job():
        with transaction.atomic():
            return services.receipt_create(
                customer=invoice.customer_id, date=date(2026, 3, 3), amount=D(amount), method="ach",
                applications=[{"invoice": invoice.pk, "amount": D(amount)}],
            )  # fmt: skip

    return job


def test_two_receipts_racing_for_one_invoice_never_overpay_it(committed, posted_invoice):
    results = run_threads(committed, [_receipt(posted_invoice, "100.00"), _receipt(posted_invoice, "100.00")])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError) and errors[0].status_code in (400, 409), results
    invoice = Invoice.objects.get(pk=posted_invoice.pk)
    assert invoice.amount_paid == D("100.00") and invoice.balance_due == 0 and invoice.status == "paid"
    assert ReceiptApplication.objects.filter(invoice=invoice).count() == 1


def test_many_partial_receipts_racing_stop_exactly_at_the_balance(committed, posted_invoice):
    results = run_threads(committed, [_receipt(posted_invoice, "30.00") for _ in range(5)])
    assert sum(1 for r in results if not isinstance(r, Exception)) == 3, results
    invoice = Invoice.objects.get(pk=posted_invoice.pk)
    assert invoice.amount_paid == D("90.00") and invoice.status == "partially_paid"


def test_concurrent_journal_entries_get_unique_gapless_numbers(committed):
    cash = Account.objects.get(role="cash")
    revenue = Account.objects.get(role="sales_revenue")

    def post(fail: bool):
        def job():
            numbers = []
            for _ in range(5):
                try:
                    with transaction.atomic():
                        entry = services.journal_entry_post(
                            entry_date=date(2026, 3, 2), memo="race", source="manual",
                            lines=[{"account": cash, "debit": "1.00"}, {"account": revenue, "credit": "1.00"}],
                        )  # fmt: skip
                        if fail:
                            raise RuntimeError("rolled back after taking a number")
                        numbers.append(entry.number)
                except RuntimeError:
                    pass
            return numbers

        return job

    results = run_threads(committed, [post(fail=i % 4 == 3) for i in range(8)])
    numbers = [n for r in results for n in r]
    assert len(numbers) == 30 and len(set(numbers)) == 30, results
    all_numbers = sorted(JournalEntry.objects.values_list("number", flat=True))
    assert all_numbers == list(range(1, len(all_numbers) + 1))


def test_a_rolled_back_posting_gives_its_number_back(silo, roles):
    """(Also makes this module set up the test database when it runs alone: pytest-django only
    creates it when some collected test uses `db`.)"""
    lines = [{"account": roles["cash"], "debit": "1.00"}, {"account": roles["sales_revenue"], "credit": "1.00"}]
    first = services.journal_entry_post(entry_date=date(2026, 3, 2), memo="", source="manual", lines=lines)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.journal_entry_post(entry_date=date(2026, 3, 2), memo="", source="manual", lines=lines)
        raise RuntimeError
    after = services.journal_entry_post(entry_date=date(2026, 3, 2), memo="", source="manual", lines=lines)
    assert after.number == first.number + 1


def test_an_account_cannot_change_type_while_a_posting_to_it_is_in_flight(committed):
    from ledger.errors import AccountInUse

    fresh = services.account_create(code=unique("A")[:20], name="Racing expense", type="expense")
    cash = Account.objects.get(role="cash")
    posted = threading.Event()

    def post():
        with transaction.atomic():
            services.journal_entry_post(
                entry_date=date(2026, 3, 2), memo="in flight", source="manual",
                lines=[{"account": fresh, "debit": "5.00"}, {"account": cash, "credit": "5.00"}],
            )  # fmt: skip
            posted.set()
            threading.Event().wait(0.5)  # hold the transaction open while the type change tries
        return "posted"

    def retype():
        posted.wait(10)
        return services.account_update(account=fresh, type="asset")

    results = run_threads(committed, [post, retype])
    assert results[0] == "posted" and isinstance(results[1], AccountInUse), results
    assert Account.objects.get(pk=fresh.pk).type == "expense"
