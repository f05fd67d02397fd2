"""What every silo UI view uses: permission checks, htmx partial rendering, service errors on forms.

    @ui_view("webhooks.view_webhookendpoint")           # signed in + model permission, else 403 page
    def endpoints(request):
        rows = selectors.endpoint_list()                # the API's selector
        return render_page(request, "webhooks/endpoints.html", {"rows": rows}, partial="webhooks/_rows.html")

A POST view checks the permission of the write (`add_…`, `change_…`) with its own @ui_view, calls the
app's service inside `form_service(form, lambda: services.x(...))`, and re-renders the form with the error
beside its field when the service refuses (a DomainError naming `field`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cashsheet.api.exceptions import DomainError


def ui_view(*permissions: str, methods: tuple[str, ...] = ("GET", "POST")):
    """A silo UI view: the user must be signed in (else the sign-in page, then back) and hold every one of
    `permissions` ('app.codename'; else 403 in the UI's layout). Only `methods` are allowed (else 405)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.is_active or not all(request.user.has_perm(p) for p in permissions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return require_http_methods(list(methods))(wrapper)

    return decorator


def require_perm(request, permission: str) -> None:
    """Inside a view serving several actions: 403 unless the user holds `permission`."""
    if not request.user.has_perm(permission):
        raise PermissionDenied


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page(request, template: str, context: dict[str, Any], *, partial: str | None = None, status: int = 200):
    """The whole page, or only `partial` (a template the page includes) when htmx asks for it."""
    name = partial if partial and is_htmx(request) and not request.headers.get("HX-Boosted") else template
    response = render(request, name, context, status=status)
    response["Vary"] = "HX-Request"
    return response


def form_service(form, call: Callable[[], Any]) -> Any | None:
    """Run a service for a valid form in one transaction; a DomainError becomes the form's error beside the
    field it names (or above the form). Returns the service's result, or None when it refused."""
    try:
        with transaction.atomic():
            return call()
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.detail)
        return None


def no_store(response):
    """For a response carrying a secret shown once: never cached, by the browser or a proxy."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
