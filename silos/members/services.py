"""Writes for API tokens: the raw token exists only in the return value of token_create."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cashsheet.api.exceptions import Conflict, InvalidInput
from cashsheet.api.tokens import token_digest, token_generate
from silos.members.models import ApiToken, IdempotencyRecord

NAME_MAX = ApiToken._meta.get_field("name").max_length


def token_expiry_ceiling(*, issued_by: ApiToken | None = None, not_after: datetime | None = None) -> datetime | None:
    """The latest expiry a new token may have: that of the token (or the session) that makes it."""
    limits = [t for t in (issued_by.expires_at if issued_by else None, not_after) if t is not None]
    return min(limits) if limits else None


@transaction.atomic
def token_create(
    *,
    user: AbstractBaseUser,
    name: str,
    expires_at: datetime | None = None,
    issued_by: ApiToken | None = None,
    not_after: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns (token, raw secret). The secret is never stored or shown again.

    A token never outlives what made it: `issued_by` (the token of the API request that asks for it) or
    `not_after` (e.g. the expiry of the UI session that asks). Without `expires_at` the new token expires with
    the earlier of the two; a later `expires_at` is refused (400 naming it). Revoking `issued_by` revokes
    the new token too (token_revoke).
    """
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the token a descriptive name, e.g. crm-sync.", field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"Ensure this field has no more than {NAME_MAX} characters.", field="name")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("expires_at must be in the future.", field="expires_at")
    if issued_by is not None and not issued_by.is_active:
        raise InvalidInput("The issuing token is revoked or expired.", field="issued_by")
    ceiling = token_expiry_ceiling(issued_by=issued_by, not_after=not_after)
    if ceiling is not None:
        if ceiling <= now:
            raise InvalidInput("The session or token making this token has expired.", field="expires_at")
        if expires_at is None:
            expires_at = ceiling
        elif expires_at > ceiling:
            raise InvalidInput(
                f"expires_at may be no later than {ceiling.isoformat()}: a token cannot outlive the token or "
                "session that creates it.",
                field="expires_at",
                latest_expires_at=ceiling.isoformat(),
            )
    raw, prefix = token_generate()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=token_digest(raw), expires_at=expires_at, issued_by=issued_by
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token and every token issued through it (transitively); they answer 401 from the next
    request on. Revoking twice is a 409."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise Conflict("This token is already revoked.", revoked_at=locked.revoked_at.isoformat())
    now = timezone.now()
    locked.revoked_at = now
    locked.save(update_fields=["revoked_at", "updated_at"])
    frontier = [locked.pk]
    while frontier:
        frontier = list(ApiToken.objects.filter(issued_by__in=frontier).values_list("pk", flat=True))
        ApiToken.objects.filter(pk__in=frontier, revoked_at__isnull=True).update(revoked_at=now, updated_at=now)
    return locked


@transaction.atomic
def token_set_rate_limit(*, token: ApiToken, per_minute: int | None, burst: int | None) -> ApiToken:
    """Give one token its own limits; None for a number falls back to the silo's plan (or the defaults)."""
    for field, value in (("rate_limit_per_minute", per_minute), ("rate_limit_burst", burst)):
        if value is not None and value <= 0:
            raise InvalidInput("Must be a positive whole number.", field=field)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    locked.rate_limit_per_minute = per_minute
    locked.rate_limit_burst = burst
    locked.save(update_fields=["rate_limit_per_minute", "rate_limit_burst", "updated_at"])
    return locked


def idempotency_records_purge(*, batch_size: int = 5000) -> int:
    """Delete the current silo's expired Idempotency-Key outcomes, in batches; returns how many went."""
    deleted = 0
    while True:
        ids = list(
            IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        deleted += IdempotencyRecord.objects.filter(pk__in=ids).delete()[0]
