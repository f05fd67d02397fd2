"""Webhooks: the transactional outbox (Event), where to send it (WebhookEndpoint), and the delivery log.

One Delivery row per (event, endpoint) carries the retry state, so each delivery is scheduled on its own:
a failing endpoint never holds up another endpoint or later events to itself. Every HTTP attempt is one
DeliveryAttempt row: the log the API shows.
"""

import secrets

from django.db import models

from cashsheet.encryption import TOKEN_PREFIX, EncryptedTextField


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

    def __str__(self) -> str:
        return f"{self.id} {self.type}"


API_VERSIONS = [("v1", "v1"), ("v2", "v2")]


class WebhookEndpoint(models.Model):
    url = models.CharField(max_length=2000)
    description = models.CharField(max_length=500, blank=True, default="")
    events = models.JSONField(default=list, help_text='Subscribed event type names, or ["*"] for all.')
    active = models.BooleanField(default=True)
    api_version = models.CharField(max_length=8, choices=API_VERSIONS, default="v2")
    # We must compute HMACs with it, so it is stored encrypted (cashsheet.encryption), not hashed; clear only
    # in memory while signing. Shown to the client only when created or rotated; never in admin or logs.
    secret = EncryptedTextField()
    previous_secret = EncryptedTextField(blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Start of the current unbroken run of failed attempts; cleared by any success.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url__startswith="https://") | models.Q(url__startswith="http://"),
                name="%(app_label)s_%(class)s_url_http",
            ),
            models.CheckConstraint(
                condition=models.Q(api_version__in=["v1", "v2"]), name="%(app_label)s_%(class)s_api_version_valid"
            ),
            # The database holds ciphertext only: a secret written in clear (a bypassed field) is refused.
            models.CheckConstraint(
                condition=models.Q(secret__startswith=TOKEN_PREFIX)
                & (models.Q(previous_secret="") | models.Q(previous_secret__startswith=TOKEN_PREFIX)),
                name="%(app_label)s_%(class)s_secret_encrypted",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """The state of sending one event to one endpoint."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"  # retries exhausted, or the endpoint was disabled

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # When a task for it was (or is due to be) handed to the broker; NULL = nothing queued (long retry delays
    # are not parked in Redis: the sweep sends them when due).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # A worker owns the delivery until then; a worker killed mid-send loses it when the lease ends.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="%(app_label)s_%(class)s_event_endpoint_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "succeeded", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhooks_delivery_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]


class DeliveryAttempt(models.Model):
    """One HTTP attempt: what the receiver answered (or why nothing was sent)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    # Denormalised from the delivery so an endpoint's log is one indexed query.
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="attempts")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attempts")
    attempt = models.PositiveIntegerField()
    succeeded = models.BooleanField(default=False)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_body = models.TextField(blank=True, default="", help_text="The first 1 KB of the response body.")
    error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When the next retry is due, if any.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(attempt__gte=1), name="%(app_label)s_%(class)s_attempt_positive")
        ]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhooks_attempt_endpoint_idx")]
