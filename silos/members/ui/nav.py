from cashsheet.ui.nav import NavItem, nav_register

nav_register(
    NavItem("Profile", "API Tokens", "ui-tokens", order=10),
    NavItem(
        "Settings", "Users", "ui-users", permission="auth.view_user", order=10, also_current=("ui-user", "ui-user-new")
    ),
    NavItem(
        "Settings",
        "Groups",
        "ui-groups",
        permission="auth.view_group",
        order=20,
        also_current=("ui-group", "ui-group-new"),
    ),
)
