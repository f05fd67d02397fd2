"""End to end: committed events, a real Celery worker process, real Redis, a real HTTP receiver."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint
from webhooks.services import endpoint_create, endpoint_rotate_secret, event_emit
from webhooks.signing import signature_header, verify_signature

pytestmark = pytest.mark.slow


def emit(n: int = 1, event_type: str = "invoice.posted") -> list[Event]:
    with transaction.atomic():
        return [event_emit(event_type=event_type, obj={"id": i, "number": f"INV-{i}"}) for i in range(n)]


def attempts(endpoint) -> list[DeliveryAttempt]:
    return list(DeliveryAttempt.objects.filter(endpoint=endpoint).order_by("created_at", "id"))


def test_delivery_is_signed_carries_the_headers_and_is_logged(live_endpoint, receiver, make_worker):
    make_worker()
    (event,) = emit()
    assert receiver.wait_for(lambda: len(receiver.received) == 1)
    hit = receiver.received[0]
    assert hit.signature_ok
    assert hit.headers["X-CashSheet-Event-Id"] == event.id == hit.headers["webhook-id"]
    assert hit.headers["X-CashSheet-Event-Type"] == "invoice.posted"
    assert hit.headers["User-Agent"].startswith("CashSheet-Webhooks/")
    assert hit.headers["webhook-signature"].startswith("v1,")
    assert abs(int(hit.headers["webhook-timestamp"]) - time.time()) < 30
    assert hit.json["id"] == event.id and hit.json["data"] == {"object": {"id": 0, "number": "INV-0"}}
    # What the receiver checked: a tampered body or a replayed (stale) signature is refused.
    header, secrets = hit.headers["X-CashSheet-Signature"], receiver.secrets
    assert not verify_signature(payload=hit.body.replace(b"INV-0", b"INV-9"), header=header, secrets=secrets)
    stale = signature_header(payload=hit.body, secrets=secrets, timestamp=int(time.time()) - 600)
    assert not verify_signature(payload=hit.body, header=stale, secrets=secrets)

    assert receiver.wait_for(lambda: Delivery.objects.get(event=event).status == "succeeded", 5)
    (logged,) = attempts(live_endpoint)
    assert (logged.attempt, logged.response_status, logged.succeeded) == (1, 200, True)
    assert logged.response_body == '{"received": true}' and logged.error == ""

    # Rotation: for 24 h both secrets sign; a receiver still on the old one keeps verifying.
    old = live_endpoint.secret
    new = endpoint_rotate_secret(endpoint=live_endpoint).secret
    receiver.secrets = [new]
    emit()
    assert receiver.wait_for(lambda: len(receiver.received) == 2)
    second = receiver.received[1]
    assert second.signature_ok and second.headers["X-CashSheet-Signature"].count("v1=") == 2
    assert verify_signature(payload=second.body, header=second.headers["X-CashSheet-Signature"], secrets=[old])
    assert len(second.headers["webhook-signature"].split(" ")) == 2


def test_rollback_produces_no_event_and_no_delivery(live_endpoint, receiver, make_worker):
    make_worker()
    with pytest.raises(RuntimeError), transaction.atomic():
        event = event_emit(event_type="invoice.posted", obj={"id": 1})
        raise RuntimeError("the change failed")
    emit(event_type="bill.posted")  # a later committed event proves the worker was running
    assert receiver.wait_for(lambda: len(receiver.received) >= 1)
    time.sleep(0.5)
    assert [r.headers["X-CashSheet-Event-Type"] for r in receiver.received] == ["bill.posted"]
    assert not Event.objects.filter(pk=event.pk).exists()


def test_committed_while_worker_down_is_delivered_once_it_starts(live_endpoint, receiver, make_worker):
    worker = make_worker(start=False)
    (queued,) = emit()
    time.sleep(0.3)
    assert receiver.received == []
    worker.start()
    assert receiver.wait_for(lambda: queued.id in receiver.event_ids())


def test_committed_while_broker_lost_the_message_is_delivered_by_the_sweep(live_endpoint, receiver, make_worker):
    from cashsheet.celery import app

    (lost,) = emit()
    app.control.purge()  # as if Redis was down at commit or restarted without its data
    make_worker()
    assert receiver.wait_for(lambda: lost.id in receiver.event_ids())


def test_receiver_failing_twice_then_succeeding_gets_three_logged_attempts(live_endpoint, receiver, make_worker):
    calls = itertools.count(1)
    replies = {1: (500, {}), 2: (503, {"Retry-After": "1"})}
    receiver.respond = lambda hit: replies.get(next(calls), (200, {}))
    make_worker()
    (event,) = emit()
    assert receiver.wait_for(lambda: Delivery.objects.get(event=event).status == "succeeded")
    log = attempts(live_endpoint)
    assert [(a.attempt, a.response_status, a.succeeded) for a in log] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    assert log[0].error and log[0].next_attempt_at is not None
    # Retry-After: 1 was honoured although the schedule says 0.3 s.
    assert (log[2].created_at - log[1].created_at) >= timedelta(seconds=0.9)
    assert WebhookEndpoint.objects.get(pk=live_endpoint.pk).failing_since is None


def test_410_disables_the_endpoint_and_says_so(live_endpoint, receiver, make_worker):
    receiver.respond = lambda hit: (410, {})
    make_worker()
    emit()
    assert receiver.wait_for(lambda: not WebhookEndpoint.objects.get(pk=live_endpoint.pk).active)
    endpoint = WebhookEndpoint.objects.get(pk=live_endpoint.pk)
    assert "410" in endpoint.disabled_reason and endpoint.disabled_at is not None
    assert len(attempts(endpoint)) == 1  # no retries against a receiver that said Gone


def test_five_days_of_continuous_failure_disables_the_endpoint(live_endpoint, receiver, make_worker):
    WebhookEndpoint.objects.filter(pk=live_endpoint.pk).update(failing_since=timezone.now() - timedelta(days=5))
    receiver.respond = lambda hit: (500, {})
    make_worker()
    emit()
    assert receiver.wait_for(lambda: not WebhookEndpoint.objects.get(pk=live_endpoint.pk).active)
    assert "failing continuously since" in WebhookEndpoint.objects.get(pk=live_endpoint.pk).disabled_reason


def test_a_failing_endpoint_delays_neither_another_nor_its_own_later_events(
    live_endpoint, receiver, make_worker, allow_private
):
    first = emit()[0]
    # Endpoint 1 (live_endpoint) keeps failing the first event; endpoint 2 shares the receiver and is healthy.
    receiver.respond = lambda hit: (500, {}) if hit.headers["X-CashSheet-Event-Id"] == first.id else (200, {})
    other = endpoint_create(url=receiver.url.replace("/hook", "/other"), events=["invoice.posted"])
    try:
        receiver.secrets = [live_endpoint.secret, other.secret]
        make_worker()
        later = emit(20)
        want = {e.id for e in later}
        assert receiver.wait_for(
            lambda: (
                want <= {r.headers["X-CashSheet-Event-Id"] for r in receiver.received if r.path == "/other"}
                and want <= {r.headers["X-CashSheet-Event-Id"] for r in receiver.received if r.path == "/hook"}
            )
        )
        assert Delivery.objects.get(event=first, endpoint=live_endpoint).status in {"pending", "failed"}
        assert receiver.wait_for(lambda: len(attempts(live_endpoint)) >= 21, 10)  # logged after the send
    finally:
        other.delete()


def test_sigkill_during_a_batch_of_1000_loses_no_event(live_endpoint, receiver, make_worker):
    worker = make_worker(start=False)
    events = emit(1000)
    want = {e.id for e in events}
    worker.start()
    assert receiver.wait_for(lambda: len(receiver.event_ids()) >= 150, 60)
    worker.kill()
    assert len(receiver.event_ids()) < 1000, "the batch finished before the kill; the test proves nothing"
    make_worker()
    assert receiver.wait_for(lambda: want <= receiver.event_ids(), 90), len(want - receiver.event_ids())
    assert receiver.wait_for(lambda: not Delivery.objects.filter(event__in=events, status="pending").exists(), 10)


def test_a_hanging_receiver_does_not_hold_up_another(live_endpoint, receiver, make_worker, allow_private):
    """Endpoint 1 never answers in time (timeouts); endpoint 2 still gets each event at once, with a single
    worker process."""
    receiver.respond = lambda hit: (time.sleep(5), (200, {}))[1] if hit.path == "/hook" else (200, {})
    other = endpoint_create(url=receiver.url.replace("/hook", "/other"), events=["invoice.posted"])
    try:
        receiver.secrets = [live_endpoint.secret, other.secret]
        make_worker(concurrency=1, CASHSHEET_WEBHOOK_TIMEOUT_S="4", CASHSHEET_WEBHOOK_HANDOFF_S="0.3")

        def to_other() -> set[str]:
            with receiver.lock:
                return {r.headers["X-CashSheet-Event-Id"] for r in receiver.received if r.path == "/other"}

        for _wave in range(3):
            want = {e.id for e in emit(10)}
            started = time.monotonic()
            assert receiver.wait_for(lambda want=want: want <= to_other(), 10)
            # Well under the 4 s the hanging endpoint's requests take.
            assert time.monotonic() - started < 2.5, "the healthy endpoint waited for the hanging one"
        # The hanging endpoint's attempts are logged as timeouts, not lost.
        assert receiver.wait_for(
            lambda: DeliveryAttempt.objects.filter(endpoint=live_endpoint, error__startswith="Timed out").exists(), 15
        )
    finally:
        other.delete()


def test_address_is_checked_again_at_delivery(live_endpoint, receiver, make_worker):
    """Saved while private addresses were allowed (as if DNS changed since): a production worker refuses."""
    make_worker(CASHSHEET_WEBHOOK_ALLOW_PRIVATE="0")
    (event,) = emit()
    assert receiver.wait_for(lambda: DeliveryAttempt.objects.filter(event=event).exists(), 10)
    attempt = DeliveryAttempt.objects.get(event=event)
    assert "must use https" in attempt.error and attempt.response_status is None
    assert receiver.received == []


@pytest.fixture
def broker_down():
    """Point this process's Celery app at a port nothing listens on (Redis down), then restore it."""
    from cashsheet.celery import app

    url = app.conf.broker_url
    app.pool.force_close_all()
    app._pool = None
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    yield
    app.pool.force_close_all()
    app._pool = None
    app.conf.broker_url = url


def test_committed_while_redis_is_down_neither_fails_nor_is_lost(live_endpoint, receiver, make_worker, broker_down):
    started = time.monotonic()
    (event,) = emit()  # the after-commit hook cannot reach Redis: it logs, the caller's request goes on
    assert time.monotonic() - started < 5
    assert Delivery.objects.get(event=event).status == "pending"
    make_worker()  # the worker reaches Redis: its sweep finds the delivery nobody queued
    assert receiver.wait_for(lambda: event.id in receiver.event_ids())
