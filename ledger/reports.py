"""Financial reports, aggregated in PostgreSQL (GROUP BY, window functions), never row by row in Python.

Each report returns {"report", "params", "columns", "rows", "totals", ...}: `columns` names the keys of
every row, so the same dict renders as JSON or as CSV. They are registered with cashsheet.api.reports,
which serves them at /reports/{name}/.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import F, Q, Sum, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from cashsheet.api.filters import parse_id
from cashsheet.api.reports import Report, report_register
from ledger.errors import InvalidInput
from ledger.models import (
    Account,
    AccountType,
    Bill,
    Invoice,
    JournalLine,
    Payment,
    PaymentApplication,
    Receipt,
    ReceiptApplication,
)
from parties import selectors as parties

ZERO = Decimal("0.00")
T = AccountType


def _date(params: dict, name: str, default: date | None) -> date:
    raw = params.get(name)
    if raw in (None, ""):
        if default is None:
            raise InvalidInput(f"'{name}' is required (YYYY-MM-DD).", field=name)
        return default
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"'{raw}' is not a date; use YYYY-MM-DD.", field=name) from None


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


def _balances(**line_filter) -> list[tuple[Account, Decimal, Decimal]]:
    """(account, debits, credits) per account with activity, one GROUP BY over the covering index."""
    sums = (
        JournalLine.objects.filter(**line_filter)
        .values("account_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    accounts = {a.pk: a for a in Account.objects.all()}
    rows = [(accounts[s["account_id"]], s["debit"] or ZERO, s["credit"] or ZERO) for s in sums]
    return sorted(rows, key=lambda r: r[0].code)


def trial_balance(params: dict) -> dict:
    as_of = _date(params, "as_of", timezone.localdate())
    rows, total_debit, total_credit = [], ZERO, ZERO
    for account, debit, credit in _balances(entry_date__lte=as_of):
        net = debit - credit
        if net == 0:
            continue
        row_debit, row_credit = (net, ZERO) if net > 0 else (ZERO, -net)
        total_debit += row_debit
        total_credit += row_credit
        rows.append(
            {
                "account": account.pk,
                "code": account.code,
                "name": account.name,
                "type": account.type,
                "debit": _fmt(row_debit),
                "credit": _fmt(row_credit),
            }
        )
    return {
        "report": "trial-balance",
        "params": {"as_of": as_of.isoformat()},
        "columns": ["account", "code", "name", "type", "debit", "credit"],
        "rows": rows,
        "totals": {"debit": _fmt(total_debit), "credit": _fmt(total_credit)},
        "balanced": total_debit == total_credit,
    }


def _signed(account: Account, debit: Decimal, credit: Decimal) -> Decimal:
    """The balance in the account's natural sign: assets/expenses debit-positive, the rest credit-positive."""
    return debit - credit if account.type in (T.ASSET, T.EXPENSE) else credit - debit


def balance_sheet(params: dict) -> dict:
    as_of = _date(params, "as_of", timezone.localdate())
    sections = {T.ASSET: ZERO, T.LIABILITY: ZERO, T.EQUITY: ZERO}
    earnings = ZERO
    rows = []
    for account, debit, credit in _balances(entry_date__lte=as_of):
        amount = _signed(account, debit, credit)
        if account.type == T.REVENUE:
            earnings += amount
        elif account.type == T.EXPENSE:
            earnings -= amount
        elif amount:
            sections[account.type] += amount
            rows.append(
                {"section": account.type, "account": account.pk, "code": account.code, "name": account.name,
                 "amount": _fmt(amount)}
            )  # fmt: skip
    rows.append(
        {"section": T.EQUITY, "account": None, "code": "", "name": "Current earnings", "amount": _fmt(earnings)}
    )
    equity = sections[T.EQUITY] + earnings
    return {
        "report": "balance-sheet",
        "params": {"as_of": as_of.isoformat()},
        "columns": ["section", "account", "code", "name", "amount"],
        "rows": rows,
        "totals": {
            "assets": _fmt(sections[T.ASSET]),
            "liabilities": _fmt(sections[T.LIABILITY]),
            "equity": _fmt(equity),
            "current_earnings": _fmt(earnings),
            "liabilities_and_equity": _fmt(sections[T.LIABILITY] + equity),
        },
        "balanced": sections[T.ASSET] == sections[T.LIABILITY] + equity,
    }


def income_statement(params: dict) -> dict:
    today = timezone.localdate()
    start = _date(params, "from", today.replace(month=1, day=1))
    end = _date(params, "to", today)
    if start > end:
        raise InvalidInput("'from' is after 'to'.", field="from")
    totals = {T.REVENUE: ZERO, T.EXPENSE: ZERO}
    rows = []
    for account, debit, credit in _balances(
        entry_date__gte=start, entry_date__lte=end, account__type__in=[T.REVENUE, T.EXPENSE]
    ):
        amount = _signed(account, debit, credit)
        totals[account.type] += amount
        rows.append(
            {"section": account.type, "account": account.pk, "code": account.code, "name": account.name,
             "amount": _fmt(amount)}
        )  # fmt: skip
    return {
        "report": "income-statement",
        "params": {"from": start.isoformat(), "to": end.isoformat()},
        "columns": ["section", "account", "code", "name", "amount"],
        "rows": rows,
        "totals": {
            "revenue": _fmt(totals[T.REVENUE]),
            "expenses": _fmt(totals[T.EXPENSE]),
            "net_income": _fmt(totals[T.REVENUE] - totals[T.EXPENSE]),
        },
    }


def general_ledger(params: dict) -> dict:
    raw = params.get("account")
    if not raw:
        raise InvalidInput("'account' is required (an account id or code).", field="account")
    match = Q(code__iexact=raw)
    if (account_id := parse_id(raw)) is not None:
        match |= Q(pk=account_id)
    account = Account.objects.filter(match).first()
    if account is None:
        raise InvalidInput(f"No account with id or code '{raw}'.", field="account")
    today = timezone.localdate()
    start = _date(params, "from", today.replace(month=1, day=1))
    end = _date(params, "to", today)
    if start > end:
        raise InvalidInput("'from' is after 'to'.", field="from")
    debit_positive = account.type in (T.ASSET, T.EXPENSE)
    opening = JournalLine.objects.filter(account=account, entry_date__lt=start).aggregate(
        d=Coalesce(Sum("debit"), ZERO), c=Coalesce(Sum("credit"), ZERO)
    )
    opening_balance = opening["d"] - opening["c"] if debit_positive else opening["c"] - opening["d"]
    delta = F("debit") - F("credit") if debit_positive else F("credit") - F("debit")
    lines = (
        JournalLine.objects.filter(account=account, entry_date__gte=start, entry_date__lte=end)
        .annotate(
            running=Window(Sum(delta), order_by=[F("entry_date").asc(), F("entry__number").asc(), F("id").asc()]),
            number=F("entry__number"),
            source=F("entry__source"),
            entry_memo=F("entry__memo"),
        )
        .order_by("entry_date", "entry__number", "id")
        .values("entry_date", "number", "source", "entry_memo", "memo", "debit", "credit", "running")
    )
    rows = [
        {
            "entry_date": line["entry_date"].isoformat(),
            "number": line["number"],
            "source": line["source"],
            "memo": line["memo"] or line["entry_memo"],
            "debit": _fmt(line["debit"]) if line["debit"] else "",
            "credit": _fmt(line["credit"]) if line["credit"] else "",
            "balance": _fmt(opening_balance + line["running"]),
        }
        for line in lines
    ]
    closing = Decimal(rows[-1]["balance"]) if rows else opening_balance
    return {
        "report": "general-ledger",
        "params": {"account": account.pk, "from": start.isoformat(), "to": end.isoformat()},
        "account": {"id": account.pk, "code": account.code, "name": account.name, "type": account.type},
        "columns": ["entry_date", "number", "source", "memo", "debit", "credit", "balance"],
        "rows": rows,
        "totals": {"opening_balance": _fmt(opening_balance), "closing_balance": _fmt(closing)},
    }


BUCKETS = ["current", "days_1_30", "days_31_60", "days_61_90", "over_90"]


def _aging(params: dict, *, doc, application, cash, party: str, date_field: str, party_list, name: str):
    as_of = _date(params, "as_of", timezone.localdate())
    doc_t, app_t, cash_t = doc._meta.db_table, application._meta.db_table, cash._meta.db_table
    doc_fk = f"{doc._meta.model_name}_id"
    cash_fk = f"{cash._meta.model_name}_id"
    # Open amount as of the date: total minus what was applied by cash dated on or before it.
    sql = f"""
        WITH open_docs AS (
            SELECT d.{party}_id AS party_id, (%(as_of)s::date - d.due_date) AS late,
                   d.total - COALESCE((SELECT SUM(a.amount) FROM {app_t} a JOIN {cash_t} c ON c.id = a.{cash_fk}
                                       WHERE a.{doc_fk} = d.id AND c.date <= %(as_of)s::date), 0) AS open_amount
            FROM {doc_t} d
            WHERE d.status IN ('posted', 'partially_paid', 'paid') AND d.{date_field} <= %(as_of)s::date
        ), credits AS (
            SELECT {party}_id AS party_id, SUM(unapplied_amount) AS unapplied
            FROM {cash_t} WHERE date <= %(as_of)s::date GROUP BY {party}_id
        ), aged AS (
            SELECT party_id,
                   SUM(CASE WHEN late <= 0 THEN open_amount ELSE 0 END) AS current,
                   SUM(CASE WHEN late BETWEEN 1 AND 30 THEN open_amount ELSE 0 END) AS days_1_30,
                   SUM(CASE WHEN late BETWEEN 31 AND 60 THEN open_amount ELSE 0 END) AS days_31_60,
                   SUM(CASE WHEN late BETWEEN 61 AND 90 THEN open_amount ELSE 0 END) AS days_61_90,
                   SUM(CASE WHEN late > 90 THEN open_amount ELSE 0 END) AS over_90
            FROM open_docs WHERE open_amount <> 0 GROUP BY party_id
        )
        SELECT COALESCE(aged.party_id, credits.party_id),
               COALESCE(current, 0), COALESCE(days_1_30, 0), COALESCE(days_31_60, 0), COALESCE(days_61_90, 0),
               COALESCE(over_90, 0), COALESCE(credits.unapplied, 0)
        FROM aged FULL OUTER JOIN credits ON credits.party_id = aged.party_id
        WHERE COALESCE(aged.party_id, credits.party_id) IS NOT NULL
          AND (aged.party_id IS NOT NULL OR credits.unapplied <> 0)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of})
        fetched = cursor.fetchall()
    counterparties = party_list().in_bulk([r[0] for r in fetched])
    totals = dict.fromkeys([*BUCKETS, "total", "unapplied_credit", "net"], ZERO)
    rows = []
    for party_id, *amounts in fetched:
        buckets, unapplied = amounts[:5], amounts[5]
        counterparty = counterparties.get(party_id)
        row = {party: party_id, "code": getattr(counterparty, "code", ""), "name": getattr(counterparty, "name", "")}
        row.update({b: _fmt(v) for b, v in zip(BUCKETS, buckets, strict=True)})
        total = sum(buckets, ZERO)
        row.update({"total": _fmt(total), "unapplied_credit": _fmt(-unapplied), "net": _fmt(total - unapplied)})
        for key, value in zip(
            [*BUCKETS, "total", "unapplied_credit", "net"],
            [*buckets, total, -unapplied, total - unapplied],
            strict=True,
        ):
            totals[key] += value
        rows.append(row)
    rows.sort(key=lambda r: r["code"])
    return {
        "report": name,
        "params": {"as_of": as_of.isoformat()},
        "columns": [party, "code", "name", *BUCKETS, "total", "unapplied_credit", "net"],
        "rows": rows,
        "totals": {k: _fmt(v) for k, v in totals.items()},
    }


def ar_aging(params: dict) -> dict:
    return _aging(
        params, doc=Invoice, application=ReceiptApplication, cash=Receipt, party="customer",
        date_field="invoice_date", party_list=parties.customer_list, name="ar-aging",
    )  # fmt: skip


def ap_aging(params: dict) -> dict:
    return _aging(
        params, doc=Bill, application=PaymentApplication, cash=Payment, party="vendor",
        date_field="bill_date", party_list=parties.vendor_list, name="ap-aging",
    )  # fmt: skip


DATE = {"as_of": "date, default today"}
RANGE = {"from": "date, default 1 January this year", "to": "date, default today"}
report_register(
    Report(
        "trial-balance", trial_balance, "Debit and credit balance of every account as of a date.", DATE,
        "ledger.view_journalentry",
    ),
    Report(
        "balance-sheet", balance_sheet, "Assets = liabilities + equity (with current earnings) as of a date.", DATE,
        "ledger.view_journalentry",
    ),
    Report(
        "income-statement", income_statement, "Revenue, expenses and net income between two dates.", RANGE,
        "ledger.view_journalentry",
    ),
    Report(
        "general-ledger", general_ledger, "Every posting to one account with its running balance.",
        {"account": "account id or code, required", **RANGE}, "ledger.view_journalentry",
    ),
    Report(
        "ar-aging", ar_aging, "Open invoices per customer by days past due (current, 1-30, 31-60, 61-90, over 90).",
        DATE, "ledger.view_invoice",
    ),
    Report(
        "ap-aging", ap_aging, "Open bills per vendor by days past due (current, 1-30, 31-60, 61-90, over 90).",
        DATE, "ledger.view_bill",
    ),
)  # fmt: skip
