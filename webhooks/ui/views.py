"""Settings → Webhooks: the same services and selectors as /api/v2/webhook-endpoints/.

A signing secret is rendered into the answer of the POST that made it (create, rotate) and nowhere else.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from cashsheet.api.exceptions import DomainError
from cashsheet.ui.shortcuts import form_service, is_htmx, no_store, render_page, require_perm, ui_view
from webhooks import selectors, services
from webhooks.events import EVENT_TYPES
from webhooks.models import Delivery, DeliveryAttempt
from webhooks.ui.forms import EndpointForm

LOG_ROWS = 50


@ui_view("webhooks.view_webhookendpoint", methods=("GET",))
def endpoints(request):
    rows = selectors.endpoint_list().order_by("-created_at")
    return render(request, "webhooks/endpoints.html", {"rows": rows})


@ui_view("webhooks.add_webhookendpoint")
def endpoint_new(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = form_service(form, lambda: services.endpoint_create(**form.cleaned_data))
        if endpoint is not None:
            context = {**_detail_context(request, endpoint), "secret": endpoint.secret, "created": True}
            return no_store(render(request, "webhooks/endpoint.html", context))
    return render(request, "webhooks/endpoint_new.html", {"form": form, "types": EVENT_TYPES})


def _detail_context(request, endpoint, form=None) -> dict:
    if form is None:
        form = EndpointForm(
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "events": endpoint.events,
                "active": endpoint.active,
                "api_version": endpoint.api_version,
            }  # fmt: skip
        )
    attempts = selectors.attempt_list(endpoint=endpoint).select_related("delivery").order_by("-created_at", "-id")
    pending = endpoint.deliveries.filter(status=Delivery.Status.PENDING).exists()
    return {"endpoint": endpoint, "form": form, "attempts": attempts[:LOG_ROWS], "pending": pending}


@ui_view("webhooks.view_webhookendpoint")
def endpoint_detail(request, pk: int):
    endpoint = get_object_or_404(selectors.endpoint_list(), pk=pk)
    if request.method == "POST":
        require_perm(request, "webhooks.change_webhookendpoint")
        form = EndpointForm(request.POST)
        if form.is_valid():
            if form_service(form, lambda: services.endpoint_update(endpoint=endpoint, **form.cleaned_data)):
                messages.success(request, "Saved the endpoint.")
                return redirect("ui-webhook", pk=endpoint.pk)
        return render(request, "webhooks/endpoint.html", _detail_context(request, endpoint, form))
    return render_page(
        request, "webhooks/endpoint.html", _detail_context(request, endpoint), partial="webhooks/_log.html"
    )


@ui_view("webhooks.change_webhookendpoint", methods=("POST",))
def endpoint_rotate(request, pk: int):
    """A new signing secret, shown once; the old one keeps signing beside it for 24 hours."""
    endpoint = services.endpoint_rotate_secret(endpoint=get_object_or_404(selectors.endpoint_list(), pk=pk))
    messages.success(request, "New signing secret issued. The previous one stays valid for 24 hours.")
    context = {**_detail_context(request, endpoint), "secret": endpoint.secret, "rotated": True}
    return no_store(render(request, "webhooks/endpoint.html", context))


@ui_view("webhooks.change_webhookendpoint", methods=("POST",))
def endpoint_test(request, pk: int):
    endpoint = get_object_or_404(selectors.endpoint_list(), pk=pk)
    try:
        event = services.endpoint_test(endpoint=endpoint)
        messages.success(request, f"Test event {event.pk} sent; its delivery appears in the log below.")
    except DomainError as exc:
        messages.error(request, exc.detail)
    if is_htmx(request):
        return render(request, "webhooks/_log.html", _detail_context(request, endpoint))
    return redirect("ui-webhook", pk=endpoint.pk)


@ui_view("webhooks.change_webhookendpoint", methods=("POST",))
def attempt_redeliver(request, pk: int, attempt_pk: int):
    endpoint = get_object_or_404(selectors.endpoint_list(), pk=pk)
    attempt = get_object_or_404(DeliveryAttempt.objects.filter(endpoint=endpoint), pk=attempt_pk)
    try:
        services.delivery_redeliver(attempt=attempt)
        messages.success(request, f"Event {attempt.event_id} queued for delivery again.")
    except DomainError as exc:
        messages.error(request, exc.detail)
    if is_htmx(request):
        return render(request, "webhooks/_log.html", _detail_context(request, endpoint))
    return redirect("ui-webhook", pk=endpoint.pk)


@ui_view("webhooks.delete_webhookendpoint", methods=("POST",))
def endpoint_delete(request, pk: int):
    endpoint = get_object_or_404(selectors.endpoint_list(), pk=pk)
    services.endpoint_delete(endpoint=endpoint)
    messages.success(request, f"Deleted the endpoint {endpoint.url} and its delivery log.")
    return redirect("ui-webhooks")
