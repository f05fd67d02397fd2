from cashsheet.ui.nav import NavItem, nav_register


def _entry(label: str, key: str, perm: str, order: int) -> NavItem:
    also = (f"ui-{key}-detail", f"ui-{key}-new", f"ui-{key}-action")
    return NavItem("Operations", label, f"ui-{key}", perm, order=order, also_current=also)


nav_register(
    _entry("Production orders", "production-orders", "inventory.view_productionorder", 10),
    _entry("Transfer orders", "transfer-orders", "inventory.view_transferorder", 20),
)
