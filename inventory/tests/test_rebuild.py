"""The rebuild command finds and repairs balances and day rows that drifted from the movements."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inventory import selectors
from inventory.models import StockBalance, StockDay


def _run(*args) -> str:
    out = StringIO()
    silo = connection.tenant
    try:
        call_command("rebuild_stock_balances", "--silo", silo.schema_name, *args, stdout=out)
    finally:
        connection.set_tenant(silo)
    return out.getvalue()


def test_rebuild_reports_no_drift_when_tables_match(silo, blythe, ribeye, receive, ship):
    receive(blythe, ribeye, 100, on=date(2026, 3, 1))
    ship(blythe, ribeye, 30, on=date(2026, 3, 2))
    assert "alpha: 0 drifted row(s)" in _run("--check")


def test_rebuild_detects_and_fixes_drift(silo, blythe, denver, ribeye, receive, ship):
    receive(blythe, ribeye, 100, on=date(2026, 3, 1), cost="10.0000")
    ship(blythe, ribeye, 30, on=date(2026, 3, 2))
    receive(denver, ribeye, 5, on=date(2026, 3, 1))
    # Someone edits the kept tables by hand: a balance, a day, and a stray day row.
    StockBalance.objects.filter(facility=blythe, item=ribeye).update(on_hand_lb=Decimal("999.00"))
    StockDay.objects.filter(facility=blythe, item=ribeye, date=date(2026, 3, 2)).update(closing_lb=Decimal("1.00"))
    StockDay.objects.create(facility=denver, item=ribeye, date=date(2026, 3, 9), closing_lb=Decimal("50.00"))

    with pytest.raises(CommandError, match="3 drifted"):
        _run("--check")
    assert StockBalance.objects.get(facility=blythe, item=ribeye).on_hand_lb == Decimal("999.00")  # untouched

    report = _run()
    assert "alpha: 3 drifted row(s) fixed" in report
    assert "kept 999.00 lb / 700.00, movements say 70.00 lb / 700.00" in report
    balance = StockBalance.objects.get(facility=blythe, item=ribeye)
    assert (balance.on_hand_lb, balance.value) == (Decimal("70.00"), Decimal("700.00"))
    assert selectors.stock_on_hand(facility=blythe, item=ribeye, as_of=date(2026, 3, 2)) == Decimal("70.00")
    assert selectors.stock_on_hand(facility=denver, item=ribeye, as_of=date(2026, 3, 9)) == Decimal("5.00")
    assert "0 drifted" in _run("--check")


def test_rebuild_unknown_silo_is_an_error(silo):
    with pytest.raises(CommandError, match="unknown silo"):
        call_command("rebuild_stock_balances", "--silo", "nope", stdout=StringIO())
    connection.set_tenant(silo)


def test_rebuild_finds_and_fixes_lot_drift(silo, blythe, ribeye, receive, ship):
    from inventory.models import LotBalance, LotDay

    lot = receive(blythe, ribeye, 100, on=date(2026, 3, 1), lot_code="L1").lot
    ship(blythe, ribeye, 30, on=date(2026, 3, 2))
    LotBalance.objects.filter(lot=lot).update(on_hand_lb=Decimal("5.00"))
    LotDay.objects.filter(lot=lot, date=date(2026, 3, 2)).delete()
    with pytest.raises(CommandError, match="2 drifted"):
        _run("--check")
    assert "alpha: 2 drifted row(s) fixed" in _run()
    assert LotBalance.objects.get(lot=lot).on_hand_lb == Decimal("70.00")
    assert LotDay.objects.get(lot=lot, date=date(2026, 3, 2)).closing_lb == Decimal("70.00")
