"""The transactional outbox: events written in the same transaction as the change that causes them."""

import secrets

from django.db import models


def event_id() -> str:
    return f"evt_{secrets.token_hex(12)}"


class Event(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=event_id, editable=False)
    type = models.CharField(max_length=60, db_index=True)
    api_version = models.CharField(max_length=8, default="v2")
    data = models.JSONField(help_text='{"object": <the resource as the API returns it>}')
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["type", "-created_at"], name="webhooks_event_type_idx")]
