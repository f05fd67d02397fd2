from cashsheet.ui.dashboard import Panel, dashboard_register
from cashsheet.ui.nav import NavItem, nav_register


def _crud(section: str, label: str, key: str, perm: str, order: int) -> NavItem:
    also = (f"ui-{key}-detail", f"ui-{key}-new", f"ui-{key}-edit")
    return NavItem(section, label, f"ui-{key}", perm, order=order, also_current=also)


nav_register(
    NavItem("Stock", "On hand", "ui-stock", "inventory.view_stockbalance", order=10),
    NavItem("Stock", "On hand by lot", "ui-stock-lots", "inventory.view_stockbalance", order=15),
    _crud("Stock", "Movements", "stock-movements", "inventory.view_stockmovement", 20),
    _crud("Stock", "Lots", "lots", "inventory.view_lot", 22),
    NavItem("Stock", "Post receipt or adjustment", "ui-stock-post", "inventory.add_stockmovement", order=25),
    _crud("Stock", "Items", "items", "inventory.view_item", 30),
    _crud("Stock", "Facilities", "facilities", "inventory.view_facility", 40),
    _crud("Stock", "Transfer lanes", "transfer-lanes", "inventory.view_transferlane", 50),
    _crud("Stock", "Cutting patterns", "cutting-patterns", "inventory.view_cuttingpattern", 60),
)


def _stock_figures(request) -> dict:
    from django.db.models import Sum

    from inventory import selectors

    rows = (
        selectors.stock_balance_list()
        .values("facility__code")
        .annotate(lb=Sum("closing_lb"), value=Sum("closing_value"))
    )
    return {"by_facility": list(rows.order_by("facility__code"))}


dashboard_register(
    Panel("stock", "Stock on hand", "inventory/_dash_stock.html", _stock_figures, "inventory.view_stockbalance", 40)
)
