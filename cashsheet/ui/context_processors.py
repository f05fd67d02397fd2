from django.db import connection
from django.utils.functional import SimpleLazyObject

from cashsheet.ui.nav import nav_for


def ui(request) -> dict:
    """The base layout's context: the silo's name and the menu of what the signed-in user may open."""
    tenant = getattr(connection, "tenant", None)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    return {
        "is_htmx": request.headers.get("HX-Request") == "true",
        "silo_name": getattr(tenant, "name", "") if getattr(tenant, "schema_name", "public") != "public" else "",
        "nav_sections": SimpleLazyObject(lambda: nav_for(getattr(request, "user", None), current)),
    }
