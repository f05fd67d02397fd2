"""Writes for API tokens: the raw token exists only in the return value of token_create."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cashsheet.api.exceptions import Conflict, InvalidInput
from cashsheet.api.tokens import token_digest, token_generate
from silos.members.models import ApiToken


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
