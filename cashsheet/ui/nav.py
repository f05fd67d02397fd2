"""The navigation registry: each app's `ui/nav.py` calls nav_register(); the base layout shows what the
signed-in user may open (an entry with a permission is hidden from a user without it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

# Sections in the order the menu shows them; an app may add its own (shown before Settings).
SECTIONS = ["Home", "Sales", "Stock", "Money", "Reports", "Settings", "Profile"]


@dataclass(frozen=True)
class NavItem:
    section: str  # one of SECTIONS, or a new one
    label: str  # what the link says, e.g. "API Tokens"
    url_name: str  # a URL name of the tenant URLconf
    permission: str | None = None  # "app.codename" the user needs to see it; None: every signed-in user
    order: int = 100  # within the section
    # Other URL names under which this entry counts as the current page (a detail page of a list).
    also_current: tuple[str, ...] = ()


_REGISTRY: dict[str, NavItem] = {}


def nav_register(*items: NavItem) -> None:
    """Register menu entries (idempotent: the URL name is the key)."""
    for item in items:
        _REGISTRY[item.url_name] = item


def nav_items() -> list[NavItem]:
    return list(_REGISTRY.values())


def nav_for(user, current: str | None = None) -> list[dict]:
    """[{"section", "items": [{"label", "url", "current"}]}] for what `user` may open, in menu order."""
    if not getattr(user, "is_authenticated", False):
        return []
    sections: dict[str, list[NavItem]] = {}
    for item in _REGISTRY.values():
        if item.permission and not user.has_perm(item.permission):
            continue
        sections.setdefault(item.section, []).append(item)

    def rank(name: str) -> tuple[int, str]:
        if name in SECTIONS:
            return (SECTIONS.index(name) if name not in ("Settings", "Profile") else 100 + SECTIONS.index(name), name)
        return (50, name)

    out = []
    for name in sorted(sections, key=rank):
        entries = []
        for item in sorted(sections[name], key=lambda i: (i.order, i.label)):
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            entries.append({"label": item.label, "url": url, "current": current in (item.url_name, *item.also_current)})
        if entries:
            out.append({"section": name, "items": entries})
    return out
