"""The audit trail: one row per row written in the silo, append-only.

Rows are written by PostgreSQL, not by Django: a trigger on every audited table (audit/triggers.py) inserts
them in the transaction of the write, whatever the path (API, silo UI, a management command, a worker, raw
SQL). Another trigger refuses UPDATE, DELETE and TRUNCATE on this table, so not even the application can
rewrite history. No foreign keys: a user or a row deleted later keeps its events.
"""

import json

from django.contrib.postgres.indexes import BrinIndex
from django.db import models


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
    changes = models.JSONField(
        decoder=_NumbersAsText,
        help_text="Changed fields: {field: [before, after]}; secrets are `[redacted]`, never their value.",
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

    def __str__(self) -> str:
        return f"{self.action} {self.resource} {self.object_id} by {self.actor_username or self.via}"
