from cashsheet.ui.nav import NavItem, nav_register

nav_register(
    NavItem(
        "Sales",
        "Customers",
        "ui-customers",
        "parties.view_customer",
        order=20,
        also_current=("ui-customers-detail", "ui-customers-new", "ui-customers-edit"),
    ),
    NavItem(
        "Money",
        "Vendors",
        "ui-vendors",
        "parties.view_vendor",
        order=60,
        also_current=("ui-vendors-detail", "ui-vendors-new", "ui-vendors-edit"),
    ),
)
