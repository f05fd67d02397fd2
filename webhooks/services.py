"""The one function domain apps call to emit an event (inside their own transaction)."""

from django.db import transaction

from webhooks.events import EVENT_TYPES
from webhooks.models import Event


def event_emit(*, event_type: str, obj: dict, api_version: str = "v2") -> Event:
    """Write `event_type` with `obj` (the resource as the API renders it) to the outbox.

    Call it inside the transaction that makes the change: a rollback removes the event with it; a
    commit guarantees it is delivered (the webhooks app schedules delivery after commit).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}; add it to webhooks/events.py")
    event = Event.objects.create(type=event_type, api_version=api_version, data={"object": obj})
    transaction.on_commit(lambda: _schedule_delivery(event.pk))
    return event


def _schedule_delivery(event_id: str) -> None:
    """Delivery is built by the webhooks issue; until then events only accumulate in the outbox."""
