"""Charts of the ledger's reports: AR and AP aging as stacked bars per counterparty, the income statement by
month (revenue beside expenses). Each builder gets the report's own result (cashsheet.ui.charts)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from cashsheet.ui.charts import Chart, bar_chart
from ledger.reports import BUCKETS, income_statement

TOP_PARTIES = 12
MAX_MONTHS = 12


def aging_chart(result: dict, params: dict) -> Chart | None:
    rows = sorted(result["rows"], key=lambda r: -Decimal(r["total"]))[:TOP_PARTIES]
    if not rows:
        return None
    title = f"{result['report']} as of {result['params']['as_of']}"
    return bar_chart(title, [r["code"] for r in rows], {b.replace("_", " "): [r[b] for r in rows] for b in BUCKETS})


def _months(start: date, end: date) -> list[tuple[date, date]]:
    out, first = [], start.replace(day=1)
    while first <= end and len(out) < MAX_MONTHS:
        following = (first + timedelta(days=32)).replace(day=1)
        out.append((max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return out


def income_chart(result: dict, params: dict) -> Chart | None:
    start, end = date.fromisoformat(result["params"]["from"]), date.fromisoformat(result["params"]["to"])
    months = _months(start, end)
    totals = [income_statement({"from": a.isoformat(), "to": b.isoformat()})["totals"] for a, b in months]
    series = {"revenue": [t["revenue"] for t in totals], "expenses": [t["expenses"] for t in totals]}
    title = f"Income statement by month, {start:%Y-%m} to {end:%Y-%m}"
    return bar_chart(title, [a.strftime("%Y-%m") for a, _ in months], series, stacked=False)
