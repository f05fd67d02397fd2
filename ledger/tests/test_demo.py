"""The demo silo's ledger history: idempotent, and every report has something real to show."""

from ledger import reports
from ledger.demo import seed_ledger
from ledger.models import Bill, Invoice, Receipt
from ledger.tests.factories import make_customer, make_vendor


def test_demo_history_fills_every_report_and_is_idempotent(silo):
    assert seed_ledger(silo) == "no customers yet: skipped"
    for i in range(4):
        make_customer(code=f"DEMO{i}", payment_terms_days=[7, 15, 30, 45][i])
    make_vendor(code="PACKER", payment_terms_days=14)
    summary = seed_ledger(silo)
    assert "invoices" in summary, summary
    counts = (Invoice.objects.count(), Bill.objects.count(), Receipt.objects.count())
    assert counts[0] > 30 and counts[1] > 10 and counts[2] > 10
    assert seed_ledger(silo) == "demo history already present"
    assert (Invoice.objects.count(), Bill.objects.count(), Receipt.objects.count()) == counts
    statuses = set(Invoice.objects.values_list("status", flat=True))
    assert {"paid", "posted"} <= statuses
    assert reports.trial_balance({})["balanced"] and reports.balance_sheet({})["balanced"]
    assert reports.income_statement({"from": "2000-01-01"})["rows"]
    ar = reports.ar_aging({})["totals"]
    assert ar["current"] != "0.00" and any(
        ar[b] != "0.00" for b in ("days_1_30", "days_31_60", "days_61_90", "over_90")
    )
    assert reports.ap_aging({})["rows"]
    assert Invoice.objects.filter(memo="Demo history", balance_due__gt=0, due_date__lt="2099-01-01").exists()
