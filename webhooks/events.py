"""The event types a silo can subscribe to. Webhooks knows none of them: each app declares its own.

An app lists its types in `<app>/events.py` and registers them here at import; WebhooksConfig.ready()
imports every app's `events` module (the way the admin finds `admin.py`), so the registry is complete
before the first request or task. An example's `data.object` is built by the app's own payload
function, so /event-types/ shows exactly what endpoints receive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str  # "<resource>.<past-tense verb>", e.g. "invoice.posted"
    description: str
    example: Callable[[], dict]  # builds an example `data.object` (no database access)


EVENT_TYPES: dict[str, EventType] = {}


def event_types_register(*types: EventType) -> None:
    """Make these types subscribable and emittable. Registering one name twice is a programming error."""
    for event_type in types:
        existing = EVENT_TYPES.get(event_type.name)
        if existing is not None and existing != event_type:
            raise ValueError(f"event type {event_type.name!r} is registered twice")
        EVENT_TYPES[event_type.name] = event_type


def example_event(name: str) -> dict:
    """An example of the body an endpoint receives for `name` (the envelope of webhooks.dispatch)."""
    return {
        "id": "evt_5f2b9c0e8a7d4c1b3e6f9a0d",
        "object": "event",
        "type": name,
        "api_version": "v2",
        "created": 1772377445,
        "created_at": "2026-03-01T15:04:05Z",
        "data": {"object": EVENT_TYPES[name].example()},
    }


def _ping_example() -> dict:
    from webhooks.payloads import ping_payload

    return ping_payload(endpoint_id=3, url="https://example.com/hooks/cashsheet")


event_types_register(
    EventType("ping", "A test event sent by POST /webhook-endpoints/{id}/test/.", _ping_example),
)
