"""Tombstones: what DELETE erased, kept so that an incremental sync can drop its copy (`/deleted-objects/`).

The model lives in a silo app (settings.CASHSHEET_TOMBSTONE_MODEL, `members.DeletedObject`); the base
viewsets' DELETE writes one here, in the delete's own transaction, when the row is really gone.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings


def tombstone_model():
    return apps.get_model(settings.CASHSHEET_TOMBSTONE_MODEL)


def tombstone_record(*, resource: str, object_id: int) -> None:
    """Record that `resource` row `object_id` was deleted (call inside the deleting transaction)."""
    tombstone_model().objects.create(resource=resource, object_id=object_id)
