"""The dashboard's figures: each app's `ui/nav.py` registers panels (found by name, like the menu), so the
shell imports no domain app. A panel is shown to a user holding its permission; its figures link to lists.

    dashboard_register(Panel("stock", "Stock on hand", "inventory/_dash_stock.html", stock_figures,
                             permission="inventory.view_stockbalance", order=40))

`context(request)` returns the panel template's context; it should cost one or two queries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

logger = logging.getLogger("cashsheet.ui.dashboard")


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: Callable[..., dict]
    permission: str | None = None
    order: int = 100


_PANELS: dict[str, Panel] = {}


def dashboard_register(*panels: Panel) -> None:
    for panel in panels:
        _PANELS[panel.key] = panel


def panels_for(request) -> list[dict]:
    """[{"key", "title", "html"}] for the panels `request.user` may see, in order."""
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.permission and not request.user.has_perm(panel.permission):
            continue
        context = {"panel": panel, **panel.context(request)}
        out.append({"key": panel.key, "title": panel.title, "html": render_to_string(panel.template, context, request)})
    return out
