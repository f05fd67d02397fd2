"""What the workers do: send one delivery, and the sweep that makes delivery at-least-once.

A delivery is claimed with a lease (one UPDATE, no transaction held open over the network), sent, then
its attempt, its next state and the endpoint's health are written in one transaction. Nothing here
loops over retries: a failed attempt schedules the next one and returns, so the worker is free at once.
"""

from __future__ import annotations

import json
import logging
import random
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from webhooks import signing, transport
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint
from webhooks.services import deliveries_enqueue

logger = logging.getLogger(__name__)

USER_AGENT = "CashSheet-Webhooks/2.0"
# Retries due within this many seconds ride a countdown in the broker; later ones wait in the database
# for the sweep (long ETAs in Redis are redelivered by the visibility timeout and lost on a worker crash).
COUNTDOWN_MAX_S = 60.0
# Retry-After is honoured up to a day; a receiver cannot park a delivery for longer than our own schedule.
RETRY_AFTER_MAX_S = 86400.0
SWEEP_BATCH = 1000


def event_payload(event: Event, *, api_version: str | None = None) -> dict:
    """The JSON an endpoint receives (and /events/ lists): the event with `data.object`."""
    return {
        "id": event.id,
        "object": "event",
        "type": event.type,
        "api_version": api_version or event.api_version,
        "created": int(event.created_at.timestamp()),
        "created_at": event.created_at,
        "data": event.data,
    }


def endpoint_secrets(endpoint: WebhookEndpoint, now) -> list[str]:
    out = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        out.append(endpoint.previous_secret)
    return out


def request_build(event: Event, endpoint: WebhookEndpoint, now) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        event_payload(event, api_version=endpoint.api_version), cls=DjangoJSONEncoder, separators=(",", ":")
    ).encode()
    t = int(time.time())
    keys = endpoint_secrets(endpoint, now)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-CashSheet-Event-Id": event.id,
        "X-CashSheet-Event-Type": event.type,
        "X-CashSheet-Signature": signing.signature_header(payload=body, secrets=keys, timestamp=t),
        "webhook-id": event.id,
        "webhook-timestamp": str(t),
        "webhook-signature": signing.standard_signature_header(
            payload=body, secrets=keys, msg_id=event.id, timestamp=t
        ),
        "Connection": "close",
    }
    return body, headers


def retry_delay(attempt: int, retry_after: float | None) -> float | None:
    """Seconds until attempt `attempt + 1`, or None when the schedule is exhausted."""
    delays = settings.CASHSHEET_WEBHOOK_RETRY_DELAYS
    if attempt >= len(delays):
        return None
    # +-20% jitter spreads a burst of failures (one receiver down for many events) over time.
    delay = delays[attempt] * random.uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_MAX_S))
    return delay


def delivery_send(delivery_id: int) -> str:
    """Make one attempt of `delivery_id` if it is due and nobody else is on it. Returns what happened."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claimed_until=now + timedelta(seconds=settings.CASHSHEET_WEBHOOK_LEASE_S),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    if not claimed:
        return "skipped"  # done, not yet due, or another worker holds it: a duplicate message
    delivery = Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.Status.FAILED, claimed_until=None, enqueued_at=None, updated_at=now
        )
        return "endpoint_disabled"
    body, headers = request_build(delivery.event, endpoint, now)
    result = transport.post(endpoint.url, body=body, headers=headers, timeout=settings.CASHSHEET_WEBHOOK_TIMEOUT_S)
    return _outcome_record(delivery, result)


@transaction.atomic
def _outcome_record(delivery: Delivery, result: transport.Result) -> str:
    now = timezone.now()
    endpoint = delivery.endpoint
    attempt = DeliveryAttempt(
        delivery=delivery,
        endpoint=endpoint,
        event_id=delivery.event_id,
        attempt=delivery.attempts,
        succeeded=result.ok,
        response_status=result.status,
        latency_ms=result.latency_ms,
        response_body=result.body,
        error=result.error or ("" if result.ok else f"Receiver answered {result.status}."),
    )
    update = {"claimed_until": None, "updated_at": now}
    outcome = "succeeded"
    if result.ok:
        update |= {"status": Delivery.Status.SUCCEEDED, "enqueued_at": None}
        if endpoint.failing_since is not None:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
    elif result.status == 410:
        _endpoint_disable(endpoint, now, f"Disabled at {now:%Y-%m-%d %H:%M} UTC: the receiver answered 410 Gone.")
        update |= {"status": Delivery.Status.FAILED, "enqueued_at": None}
        outcome = "gone"
    else:
        failing_since = endpoint.failing_since or now
        if endpoint.failing_since is None:
            WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
        delay = retry_delay(delivery.attempts, result.retry_after)
        if (now - failing_since).total_seconds() >= settings.CASHSHEET_WEBHOOK_DISABLE_AFTER_S:
            _endpoint_disable(
                endpoint,
                now,
                f"Disabled at {now:%Y-%m-%d %H:%M} UTC after failing continuously since "
                f"{failing_since:%Y-%m-%d %H:%M} UTC (5 days).",
            )
            update |= {"status": Delivery.Status.FAILED, "enqueued_at": None}
            outcome = "disabled"
        elif delay is None:
            update |= {"status": Delivery.Status.FAILED, "enqueued_at": None}
            attempt.error += " No retries left."
            outcome = "failed"
        else:
            due = now + timedelta(seconds=delay)
            attempt.next_attempt_at = due
            queued = delay <= COUNTDOWN_MAX_S
            update |= {"next_attempt_at": due, "enqueued_at": due if queued else None}
            if queued:
                transaction.on_commit(partial(deliveries_enqueue, [delivery.pk], countdown=delay))
            outcome = "retry"
    attempt.save()
    Delivery.objects.filter(pk=delivery.pk).update(**update)
    return outcome


def _endpoint_disable(endpoint: WebhookEndpoint, now, reason: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, disabled_at=now, disabled_reason=reason, updated_at=now
    )
    # Its other pending deliveries will not be sent; the events stay in /events/ for replay.
    Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.FAILED, claimed_until=None, enqueued_at=None, updated_at=now
    )


def sweep_schema() -> int:
    """Queue the current silo's deliveries that are due but neither sent nor queued (lost or long-delayed).

    Lost means: its task was handed over longer than REQUEUE_AFTER ago and it is still pending and not
    held by a live worker (a SIGKILLed worker's prefetched messages, a Redis restart, a broker outage at
    commit). A duplicate message is harmless: the claim lets only one attempt through.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CASHSHEET_WEBHOOK_REQUEUE_AFTER_S)
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(enqueued_at=now)
            transaction.on_commit(partial(deliveries_enqueue, ids))
    return len(ids)


def purge_schema(*, days: int = 30) -> int:
    """Delete events older than `days` (with their deliveries): /events/ promises the last 30 days."""
    deleted, _ = Event.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
