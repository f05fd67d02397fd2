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
from collections import Counter
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from cashsheet.encryption import UndecryptableValue
from webhooks import sender, signing, transport
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
UNDECRYPTABLE_ERROR = (
    "Not sent: the endpoint's signing secret cannot be decrypted with the configured CASHSHEET_ENCRYPTION_KEYS "
    "(a key was removed before `encryption_keys --rotate`). Restore the key, or rotate the endpoint's secret."
)
# Deliveries one task claims and sends side by side; a message is only a wake-up call (see _claim).
BATCH = 50
FAILING_PER_BATCH = 4


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


def _claim(delivery_ids: list[int], now, *, busy: list[int]) -> list[int]:
    """Lease the given deliveries first, then other due ones, up to BATCH; skip rows another worker holds.

    A message is a wake-up: whichever task runs first takes a batch of what is due, so a backlog costs one
    claim, one read and one write per batch instead of per delivery, and a duplicate or late message finds
    nothing left to do.
    """
    table = Delivery._meta.db_table
    # Two statements so each uses an index: the given ids by primary key, then the oldest due by the
    # partial (status = 'pending') index on next_attempt_at.
    sql = f"""
        UPDATE {table} AS d SET claimed_until = %(lease)s, attempts = d.attempts + 1, updated_at = %(now)s
        WHERE d.id IN (
            SELECT id FROM {table}
            WHERE status = 'pending' AND next_attempt_at <= %(now)s
              AND (claimed_until IS NULL OR claimed_until < %(now)s) AND endpoint_id <> ALL(%(busy)s) {{only_ids}}
            ORDER BY next_attempt_at
            LIMIT %(limit)s
            FOR UPDATE SKIP LOCKED
        )
        RETURNING d.id
    """  # noqa: S608 - the table name is ours; values are parameters
    params = {
        "lease": now + timedelta(seconds=settings.CASHSHEET_WEBHOOK_LEASE_S),
        "now": now,
        "limit": BATCH,
        "busy": list(busy),
    }
    claimed: list[int] = []
    with transaction.atomic(), connection.cursor() as cursor:
        if delivery_ids:
            cursor.execute(sql.format(only_ids="AND id = ANY(%(ids)s)"), {**params, "ids": list(delivery_ids)})
            claimed = [row[0] for row in cursor.fetchall()]
        if len(claimed) < BATCH:
            # Failing endpoints' deliveries travel only in their own messages (retries, sweep), so a
            # backlog to a dead receiver never crowds healthy deliveries out of a batch.
            healthy = (
                f"AND endpoint_id IN (SELECT id FROM {WebhookEndpoint._meta.db_table} WHERE failing_since IS NULL)"
            )
            cursor.execute(sql.format(only_ids=healthy), {**params, "limit": BATCH - len(claimed)})
            claimed += [row[0] for row in cursor.fetchall()]
    return claimed


def deliveries_send(delivery_ids: list[int]) -> dict[str, int]:
    """Make one attempt of each due, unclaimed delivery (the given ones first). Returns outcome counts."""
    now = timezone.now()
    claimed = _claim(delivery_ids, now, busy=sender.busy_endpoints(connection.schema_name))
    if not claimed:
        return {}  # done, not yet due, or held by another worker: a duplicate or late message
    deliveries = list(Delivery.objects.select_related("event", "endpoint").filter(pk__in=claimed))
    inactive = [d.pk for d in deliveries if not d.endpoint.active]
    if inactive:
        Delivery.objects.filter(pk__in=inactive).update(
            status=Delivery.Status.FAILED, claimed_until=None, enqueued_at=None, updated_at=now
        )
    live, held_back = _cap_failing([d for d in deliveries if d.endpoint.active])
    if held_back:
        # Back to the queue untouched: the sweep offers them again shortly.
        Delivery.objects.filter(pk__in=held_back).update(
            claimed_until=None, enqueued_at=None, attempts=F("attempts") - 1, updated_at=now
        )
    timeout = settings.CASHSHEET_WEBHOOK_TIMEOUT_S

    def send(delivery: Delivery) -> transport.Result:
        if isinstance(delivery.endpoint.secret, UndecryptableValue):
            return transport.Result(error=UNDECRYPTABLE_ERROR)
        body, headers = request_build(delivery.event, delivery.endpoint, now)
        return transport.post(delivery.endpoint.url, body=body, headers=headers, timeout=timeout)

    finished, stragglers, unstarted = sender.send_all(
        connection.schema_name,
        live,
        send,
        endpoint_of=lambda d: d.endpoint_id,
        wait_s=settings.CASHSHEET_WEBHOOK_HANDOFF_S,
    )
    if unstarted:
        # Their endpoint or silo was at its concurrency cap the whole time: back to the queue, unsent (the
        # sweep offers them again), rather than holding a lease while waiting for a slot.
        Delivery.objects.filter(pk__in=[d.pk for d in unstarted]).update(
            claimed_until=None, enqueued_at=None, attempts=F("attempts") - 1, updated_at=timezone.now()
        )
    outcomes = _outcomes_record(finished) if finished else {}
    if stragglers:
        sender.finish_later(connection.tenant, stragglers, _outcomes_record)
        outcomes["handed_off"] = len(stragglers)
    if inactive:
        outcomes["endpoint_disabled"] = len(inactive)
    if unstarted:
        outcomes["deferred"] = len(unstarted)
    return outcomes


def _cap_failing(deliveries: list[Delivery]) -> tuple[list[Delivery], list[int]]:
    """At most FAILING_PER_BATCH deliveries per failing endpoint: a dead receiver's backlog (each attempt
    possibly a 15 s timeout) must not take over the send threads."""
    per_endpoint: Counter[int] = Counter()
    send, held_back = [], []
    for delivery in deliveries:
        if delivery.endpoint.failing_since is not None:
            per_endpoint[delivery.endpoint_id] += 1
            if per_endpoint[delivery.endpoint_id] > FAILING_PER_BATCH:
                held_back.append(delivery.pk)
                continue
        send.append(delivery)
    return send, held_back


@transaction.atomic
def _outcomes_record(sent: list[tuple[Delivery, transport.Result]]) -> dict[str, int]:
    """Log every attempt and move each delivery and endpoint on, in one transaction."""
    now = timezone.now()
    outcomes: dict[str, int] = {}
    attempts: list[DeliveryAttempt] = []
    succeeded: list[int] = []
    endpoints = {d.endpoint_id: d.endpoint for d, _ in sent}
    ok_endpoints = {d.endpoint_id for d, r in sent if r.ok}
    disabled: dict[int, str] = {}
    for delivery, result in sent:
        endpoint = endpoints[delivery.endpoint_id]
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
        attempts.append(attempt)
        if result.ok:
            succeeded.append(delivery.pk)
            outcome = "succeeded"
        elif result.status == 410:
            disabled[endpoint.pk] = f"Disabled at {now:%Y-%m-%d %H:%M} UTC: the receiver answered 410 Gone."
            outcome = "gone"
        elif (
            endpoint.pk not in ok_endpoints
            and (now - (endpoint.failing_since or now)).total_seconds() >= settings.CASHSHEET_WEBHOOK_DISABLE_AFTER_S
        ):
            disabled.setdefault(
                endpoint.pk,
                f"Disabled at {now:%Y-%m-%d %H:%M} UTC after failing continuously since "
                f"{endpoint.failing_since:%Y-%m-%d %H:%M} UTC (5 days).",
            )
            outcome = "disabled"
        else:
            outcome = _retry_schedule(delivery, result, attempt, now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    DeliveryAttempt.objects.bulk_create(attempts)
    if succeeded:
        Delivery.objects.filter(pk__in=succeeded).update(
            status=Delivery.Status.SUCCEEDED, claimed_until=None, enqueued_at=None, updated_at=now
        )
    recovered = [pk for pk in ok_endpoints if endpoints[pk].failing_since is not None]
    if recovered:
        WebhookEndpoint.objects.filter(pk__in=recovered).update(failing_since=None)
    failing = [pk for pk, e in endpoints.items() if pk not in ok_endpoints and e.failing_since is None]
    if failing:
        WebhookEndpoint.objects.filter(pk__in=failing, failing_since__isnull=True).update(failing_since=now)
    for pk, reason in disabled.items():
        _endpoint_disable(endpoints[pk], now, reason)
    return outcomes


def _retry_schedule(delivery: Delivery, result: transport.Result, attempt: DeliveryAttempt, now) -> str:
    delay = retry_delay(delivery.attempts, result.retry_after)
    if delay is None:
        attempt.error += " No retries left."
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, claimed_until=None, enqueued_at=None, updated_at=now
        )
        return "failed"
    due = now + timedelta(seconds=delay)
    attempt.next_attempt_at = due
    queued = delay <= COUNTDOWN_MAX_S
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=due, enqueued_at=due if queued else None, claimed_until=None, updated_at=now
    )
    if queued:
        transaction.on_commit(partial(deliveries_enqueue, [delivery.pk], countdown=delay))
    return "retry"


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
