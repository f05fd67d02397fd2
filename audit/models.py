"""The audit trail: one row per row written in the silo, append-only.

Rows are written by PostgreSQL, not by Django: a trigger on every audited table (audit/triggers.py) inserts
them in the transaction of the write, whatever the path (API, silo UI, a management command, a worker, raw
SQL). Another trigger refuses UPDATE, DELETE and TRUNCATE on this table, so not even the application can
rewrite history. No foreign keys: a user or a row deleted later keeps its events.
"""

import json

from django.contrib.postgres.indexes import BrinIndex
from django.db import models

REDACTED = "[redacted]"


class _NumbersAsText(json.JSONDecoder):
    """Decimal numbers in a diff (money, weights) come back as their exact text, never as floats."""

    def __init__(self, *args, **kwargs):
        kwargs["parse_float"] = str
        super().__init__(*args, **kwargs)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        INSERT = "insert"
        UPDATE = "update"
        DELETE = "delete"

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(help_text="When the transaction that wrote the row started.")
    resource = models.CharField(max_length=100, help_text="The model, `app_label.model`, e.g. `parties.customer`.")
    object_id = models.CharField(max_length=100, help_text="The row's primary key, as text.")
    action = models.CharField(max_length=6, choices=Action.choices)
    actor_user_id = models.BigIntegerField(null=True, help_text="The signed-in or token user; null: no user.")
    actor_username = models.CharField(max_length=150, blank=True)
    token_prefix = models.CharField(max_length=16, blank=True, help_text="The API token's public prefix.")
    via = models.CharField(
        max_length=100, help_text="`api`, `ui`, `command:<name>`, `worker`, or `system` (no actor was set)."
    )
    transaction_id = models.BigIntegerField(help_text="PostgreSQL's transaction id: the rows of one write.")
    before = models.JSONField(
        null=True, decoder=_NumbersAsText, help_text="The row before (update, delete); secrets `[redacted]`."
    )
    after = models.JSONField(
        null=True, decoder=_NumbersAsText, help_text="The row after (insert, update); secrets `[redacted]`."
    )

    class Meta:
        ordering = ["-id"]
        default_permissions = ("view",)  # rows are written by the database only; nobody adds or changes them
        indexes = [
            models.Index(fields=["resource", "object_id"], name="audit_event_object_idx"),
            models.Index(fields=["actor_user_id"], name="audit_event_user_idx"),
            # Rows arrive in time order: a BRIN index is tiny and costs the insert almost nothing.
            BrinIndex(fields=["occurred_at"], name="audit_event_occurred_brin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["insert", "update", "delete"]), name="%(app_label)s_%(class)s_action"
            )
        ]

    def changes(self) -> dict[str, tuple]:
        """{field: (before, after)} of the fields that differ (null on the side without a row).

        A secret is stored as "[redacted]" on both sides of an update only when it changed (the trigger
        leaves an unchanged one out), so that pair counts as a change.
        """
        before, after = self.before or {}, self.after or {}
        out = {}
        for field in sorted(set(before) | set(after)):
            old, new = before.get(field), after.get(field)
            if old != new or (self.action == self.Action.UPDATE and old == REDACTED):
                out[field] = (old, new)
        return out

    def __str__(self) -> str:
        return f"{self.action} {self.resource} {self.object_id} by {self.actor_username or self.via}"
