from cashsheet.ui.nav import NavItem, nav_register

nav_register(
    NavItem(
        "Settings",
        "Webhooks",
        "ui-webhooks",
        permission="webhooks.view_webhookendpoint",
        order=30,
        also_current=("ui-webhook", "ui-webhook-new"),
    )
)
