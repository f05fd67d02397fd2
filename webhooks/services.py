"""Writes for webhooks: the outbox (`event_emit`, which every domain app calls) and endpoint management."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cashsheet.api.exceptions import Conflict, InvalidInput
from cashsheet.celery import app as celery_app
from webhooks import signing, ssrf
from webhooks.events import EVENT_TYPES
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint
from webhooks.payloads import ping_payload

logger = logging.getLogger(__name__)

ROTATION_OVERLAP = timedelta(hours=24)
DELIVER_TASK = "webhooks.deliver"  # the task webhooks/tasks.py registers under this name
ENQUEUE_CHUNK = 50
BROKER_FAIL_FAST = {"max_retries": 0, "connect_retries_timeout": 1.0, "socket_connect_timeout": 1.0}
ENDPOINT_FIELDS = frozenset({"url", "description", "events", "active", "api_version"})


# --- The outbox ---------------------------------------------------------------------------------------


def event_emit(*, event_type: str, obj: dict, api_version: str = "v2") -> Event:
    """Write `event_type` with `obj` (the resource as the API renders it) to the outbox.

    Call it inside the transaction that makes the change: a rollback removes the event (and its
    deliveries) with it; a commit guarantees delivery to every active endpoint subscribed at that moment,
    even if Redis or the workers are down (the sweep sends what the after-commit hook could not).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}; register it in its app's events.py")
    event = Event.objects.create(type=event_type, api_version=api_version, data={"object": obj})
    endpoint_ids = WebhookEndpoint.objects.filter(
        Q(events__contains=["*"]) | Q(events__contains=[event_type]), active=True
    ).values_list("pk", flat=True)
    _deliveries_create(event=event, endpoint_ids=list(endpoint_ids))
    return event


def _deliveries_create(*, event: Event, endpoint_ids: list[int]) -> list[int]:
    if not endpoint_ids:
        return []
    now = timezone.now()
    # enqueued_at = now: the after-commit hook is about to queue them; if it cannot, the sweep will
    # find them REQUEUE_AFTER seconds later.
    rows = Delivery.objects.bulk_create(
        [Delivery(event=event, endpoint_id=pk, next_attempt_at=now, enqueued_at=now) for pk in endpoint_ids]
    )
    ids = [row.pk for row in rows]
    _AfterCommit.add(ids)
    return ids


class _AfterCommit:
    """Queue a transaction's deliveries once, after commit, in as few broker messages as possible.

    Every event registers an on_commit hook holding the connection's current group; the first hook that
    runs sends every id the group gathered (all of the transaction's events), the rest find it sent. A
    hook dropped with a rolled-back savepoint or transaction never strands ids: the group stays unsent
    and the next event's hook sends it. An id whose row was rolled back is harmless: the worker's claim
    only takes rows that exist and are due.
    """

    def __init__(self):
        self.ids: list[int] = []
        self.sent = False

    @classmethod
    def add(cls, ids: list[int]) -> None:
        conn = transaction.get_connection()
        group = getattr(conn, "_webhooks_after_commit", None)
        if group is None or group.sent:
            group = conn._webhooks_after_commit = cls()
        group.ids.extend(ids)
        transaction.on_commit(group.send)

    def send(self) -> None:
        if self.sent:
            return
        self.sent = True
        deliveries_enqueue(self.ids)


def deliveries_enqueue(delivery_ids: Iterable[int], *, countdown: float | None = None) -> None:
    """Hand deliveries to the broker. Never raises: a broker outage must not fail a committed request.

    The task is sent by name (webhooks/tasks.py registers it), so the outbox does not import the worker's
    code and the worker's code can call back here without an import circle. The silo's schema rides in
    the message headers (tenant-schemas-celery's send_task).
    """
    ids = list(delivery_ids)
    if not ids:
        return
    try:
        # Fail fast when Redis is down (kombu's default retries block the caller for seconds): this runs
        # right after the caller's COMMIT, inside its request.
        with celery_app.connection_for_write(transport_options=BROKER_FAIL_FAST) as conn:
            producer = celery_app.amqp.Producer(conn)
            # One message per chunk: the worker claims a chunk (plus whatever else is due) in one query.
            for start in range(0, len(ids), ENQUEUE_CHUNK):
                chunk = ids[start : start + ENQUEUE_CHUNK]
                celery_app.send_task(DELIVER_TASK, args=[chunk], countdown=countdown, retry=False, producer=producer)
    except Exception:  # noqa: BLE001 - any broker failure: the rows are committed, the sweep recovers them
        logger.warning("webhook deliveries not queued (broker unavailable?); the sweep will send them", exc_info=True)


# --- Endpoints ----------------------------------------------------------------------------------------


def events_normalise(events) -> list[str]:
    """A de-duplicated list of known event types, or ["*"]; InvalidInput naming `events` otherwise."""
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise InvalidInput('Give a non-empty list of event type names, or ["*"] for all.', field="events")
    if "*" in events:
        if len(events) > 1:
            raise InvalidInput('"*" already subscribes to every event type; send ["*"] alone.', field="events")
        return ["*"]
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise InvalidInput(
            f"Unknown event type(s): {', '.join(unknown)}. See /event-types/ for the list.", field="events"
        )
    return list(dict.fromkeys(events))


def url_check(url: str) -> str:
    url = (url or "").strip()
    try:
        ssrf.resolve(url)
    except ssrf.UnsafeUrl as exc:
        raise InvalidInput(str(exc), field="url") from None
    return url


@transaction.atomic
def endpoint_create(*, url: str, events: list[str], description: str = "", active: bool = True,
                    api_version: str = "v2") -> WebhookEndpoint:  # fmt: skip
    endpoint = WebhookEndpoint(
        url=url_check(url),
        events=events_normalise(events),
        description=description,
        active=active,
        api_version=api_version,
        secret=signing.secret_generate(),
    )
    endpoint.full_clean(validate_constraints=False)
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, **data) -> WebhookEndpoint:
    unknown = set(data) - ENDPOINT_FIELDS
    if unknown:
        raise TypeError(f"unknown endpoint fields: {sorted(unknown)}")
    if "url" in data:
        data["url"] = url_check(data["url"])
    if "events" in data:
        data["events"] = events_normalise(data["events"])
    fields = set(data)
    if data.get("active") and not endpoint.active:
        # Re-enabling starts a fresh record of failures.
        endpoint.failing_since, endpoint.disabled_at, endpoint.disabled_reason = None, None, ""
        fields |= {"failing_since", "disabled_at", "disabled_reason"}
    for name, value in data.items():
        setattr(endpoint, name, value)
    endpoint.full_clean(validate_constraints=False)
    endpoint.save(update_fields=[*fields, "updated_at"])
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Deletes the endpoint with its delivery log; events stay in /events/ for replay."""
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Issue a new secret; the old one keeps signing beside it for 24 hours so receivers can switch over."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = signing.secret_generate()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return endpoint


@transaction.atomic
def endpoint_test(*, endpoint: WebhookEndpoint) -> Event:
    """Send a `ping` event to this endpoint only (whatever it subscribes to)."""
    if not endpoint.active:
        raise Conflict("The endpoint is disabled; enable it with PATCH active=true first.", field="active")
    event = Event.objects.create(
        type="ping",
        api_version=endpoint.api_version,
        data={"object": ping_payload(endpoint_id=endpoint.pk, url=endpoint.url)},
    )
    _deliveries_create(event=event, endpoint_ids=[endpoint.pk])
    return event


@transaction.atomic
def delivery_redeliver(*, attempt: DeliveryAttempt) -> Delivery:
    """Send the attempt's event to its endpoint again now (a new attempt in the same delivery)."""
    delivery = Delivery.objects.select_for_update().select_related("endpoint").get(pk=attempt.delivery_id)
    if not delivery.endpoint.active:
        raise Conflict("The endpoint is disabled; enable it with PATCH active=true first.", field="active")
    now = timezone.now()
    delivery.status = Delivery.Status.PENDING
    delivery.next_attempt_at = now
    delivery.enqueued_at = now
    delivery.save(update_fields=["status", "next_attempt_at", "enqueued_at", "updated_at"])
    _AfterCommit.add([delivery.pk])
    return delivery
