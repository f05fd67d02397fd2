from cashsheet.ui.dashboard import Panel, dashboard_register
from cashsheet.ui.nav import NavItem, nav_register

nav_register(
    NavItem(
        "Sales",
        "Sales orders",
        "ui-sales-orders",
        "sales.view_salesorder",
        order=10,
        also_current=("ui-sales-orders-detail", "ui-sales-orders-new"),
    ),  # fmt: skip
)


def _order_figures(request) -> dict:
    from django.db.models import Count, Q, Sum
    from django.utils import timezone

    from sales.models import SalesOrder, SalesOrderStatus

    today = timezone.localdate()
    open_statuses = [SalesOrderStatus.DRAFT, SalesOrderStatus.CONFIRMED, SalesOrderStatus.SHIPPED]
    figures = SalesOrder.objects.aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in open_statuses},
        shipped_today=Count("pk", filter=Q(ship_date=today)),
        shipped_today_value=Sum("total", filter=Q(ship_date=today)),
        due_today=Count("pk", filter=Q(status=SalesOrderStatus.CONFIRMED, delivery_date__lte=today)),
    )
    return {"by_status": [(s, figures[s]) for s in open_statuses], "figures": figures, "today": today}


dashboard_register(
    Panel("orders", "Open sales orders", "sales/_dash_orders.html", _order_figures, "sales.view_salesorder", 10)
)
