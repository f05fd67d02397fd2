"""Writes for API tokens: the raw token exists only in the return value of token_create."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cashsheet.api.exceptions import Conflict, InvalidInput
from cashsheet.api.tokens import token_digest, token_generate
from silos.members.models import ApiToken, IdempotencyRecord


@transaction.atomic
def token_create(*, user: AbstractBaseUser, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns (token, raw secret). The secret is never stored or shown again."""
    name = name.strip()
    if not name:
        raise InvalidInput("Give the token a descriptive name, e.g. crm-sync.", field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput("expires_at must be in the future.", field="expires_at")
    raw, prefix = token_generate()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=token_digest(raw), expires_at=expires_at
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; it answers 401 from the next request on. Revoking twice is a 409."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise Conflict("This token is already revoked.", revoked_at=locked.revoked_at.isoformat())
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
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
