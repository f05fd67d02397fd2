"""The demo seed (every app's step, as `manage.py seed_demo` runs them) leaves books equal to stock: the
inventory accounts equal the stock valuation at every facility, to the cent, and the trial balance balances."""

from decimal import Decimal

from inventory.models import StockBalance
from ledger.models import JournalLine
from operations.selectors import inventory_reconciliation
from silos.services import demo_seed_steps


def test_the_demo_seed_reconciles(api, silo):
    for _, _, seed in demo_seed_steps():
        seed(silo)
    rows = inventory_reconciliation()
    assert rows and all(row.difference == 0 for row in rows), rows
    stock = sum(StockBalance.objects.values_list("value", flat=True), Decimal("0"))
    assert stock > Decimal("100000")  # a real stock, not an empty silo that trivially reconciles
    assert sum(r.gl_total for r in rows) == sum(r.stock_total for r in rows)
    lines = JournalLine.objects.all()
    assert sum(lines.values_list("debit", flat=True), Decimal("0")) == sum(
        lines.values_list("credit", flat=True), Decimal("0")
    )
    report = api.get("/api/v2/reports/inventory-reconciliation/").json()
    assert report["reconciled"], report
