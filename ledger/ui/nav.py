from cashsheet.ui.dashboard import Panel, dashboard_register
from cashsheet.ui.nav import NavItem, nav_register


def _crud(label: str, key: str, perm: str, order: int, *more: str) -> NavItem:
    return NavItem("Money", label, f"ui-{key}", perm, order=order, also_current=(f"ui-{key}-detail", *more))


nav_register(
    _crud("Invoices", "invoices", "ledger.view_invoice", 10, "ui-invoices-new", "ui-invoices-edit"),
    _crud("Receipts", "receipts", "ledger.view_receipt", 20, "ui-receipts-new"),
    _crud("Bills", "bills", "ledger.view_bill", 30, "ui-bills-new", "ui-bills-edit"),
    _crud("Payments", "payments", "ledger.view_payment", 40, "ui-payments-new"),
    _crud("Journal entries", "journal-entries", "ledger.view_journalentry", 70, "ui-journal-entries-new"),
    _crud("Periods", "periods", "ledger.view_period", 80, "ui-periods-new"),
)


def _ar_figures(request) -> dict:
    from django.db.models import Count, Q, Sum
    from django.utils import timezone

    from ledger import selectors

    today = timezone.localdate()
    open_rows = selectors.invoice_list().filter(status__in=["posted", "partially_paid"])
    figures = open_rows.aggregate(
        open_total=Sum("balance_due"), overdue_total=Sum("balance_due", filter=Q(due_date__lt=today)),
        overdue_count=Count("pk", filter=Q(due_date__lt=today)),
    )  # fmt: skip
    return {"figures": figures, "today": today}


dashboard_register(Panel("ar", "Receivables", "ledger/_dash_ar.html", _ar_figures, "ledger.view_invoice", 20))


def _charts() -> None:
    from cashsheet.ui.charts import chart_register
    from ledger.ui.charts import aging_chart, income_chart

    chart_register("ar-aging", aging_chart)
    chart_register("ap-aging", aging_chart)
    chart_register("income-statement", income_chart)


_charts()
nav_register(
    NavItem("Reports", "All reports", "ui-reports", None, order=10, also_current=("ui-report",)),
)
