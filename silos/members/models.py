"""API tokens, stored in each silo's schema so a token exists only where it was issued."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. crm-sync.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The token whose request created this one (None: made in the UI or by a command). A token never
    # outlives its issuer: its expiry is capped at the issuer's, and revoking the issuer revokes it.
    issued_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="issued", editable=False
    )
    # Platform administration may give one token its own limits (set_rate_limit --token-prefix);
    # null means the silo's plan (or the defaults) applies.
    rate_limit_per_minute = models.PositiveIntegerField(null=True, blank=True)
    rate_limit_burst = models.PositiveIntegerField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("manage_all_apitokens", "Can list and revoke every API token of the silo")]
        indexes = [models.Index(fields=["user", "-created_at"], name="members_token_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(rate_limit_per_minute__isnull=True) | models.Q(rate_limit_per_minute__gt=0))
                & (models.Q(rate_limit_burst__isnull=True) | models.Q(rate_limit_burst__gt=0)),
                name="%(app_label)s_%(class)s_rate_limits_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class IdempotencyRecord(models.Model):
    """The stored outcome of a POST/PATCH sent with an Idempotency-Key, scoped to the token (and so the silo).

    The unique (token, key) constraint is the last line of defence; requests with one key are serialised by a
    PostgreSQL advisory lock first (cashsheet.api.idempotency), so a duplicate never reaches the write.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    request_method = models.CharField(max_length=10)
    request_path = models.TextField()
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.TextField(blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["token", "key"],
                name="%(app_label)s_%(class)s_token_key_unique",
                violation_error_message="This Idempotency-Key was already used with this token.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.request_method} {self.request_path} → {self.response_status})"


class DeletedObject(models.Model):
    """A tombstone: a resource row that DELETE erased, so an incremental sync can drop its copy.

    Written by the base viewsets' DELETE (cashsheet/api/viewsets.py) in the delete's own transaction,
    whenever the row is really gone (a revoked token stays, with `revoked_at`, and leaves none).
    `updated_at` equals `deleted_at`, so `/deleted-objects/?updated_since=` syncs like every list.
    """

    resource = models.CharField(max_length=64, help_text="The list's path segment, e.g. `webhook-endpoints`.")
    object_id = models.BigIntegerField()
    deleted_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["updated_at", "id"], name="members_deleted_sync_idx")]
