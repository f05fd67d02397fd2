"""Reads for webhooks: querysets with their joins applied."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from webhooks.models import DeliveryAttempt, Event, WebhookEndpoint

EVENT_RETENTION = timedelta(days=30)


def endpoint_list() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.all()


def event_list() -> QuerySet[Event]:
    """The last 30 days of events, for polling and replay."""
    return Event.objects.filter(created_at__gte=timezone.now() - EVENT_RETENTION)


def attempt_list(*, endpoint: WebhookEndpoint) -> QuerySet[DeliveryAttempt]:
    return DeliveryAttempt.objects.filter(endpoint=endpoint).select_related("event")


def attempt_failures(*, limit: int = 5) -> list[DeliveryAttempt]:
    """The last failed delivery attempts of the silo, newest first, with their endpoint and event (one query)."""
    rows = DeliveryAttempt.objects.filter(succeeded=False).select_related("endpoint", "event")
    return list(rows.order_by("-created_at", "-pk")[:limit])
