from cashsheet.ui.dashboard import Panel, dashboard_register
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


def _failures(request) -> dict:
    from webhooks import selectors

    return {"failures": selectors.attempt_failures(limit=5)}


dashboard_register(
    Panel(
        "webhook-failures",
        "Last webhook failures",
        "webhooks/_dash_failures.html",
        _failures,
        "webhooks.view_webhookendpoint",
        90,
    )  # fmt: skip
)
