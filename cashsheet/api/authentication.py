"""Bearer token authentication against the hashed tokens of the current silo's schema.

The token table lives in each silo's schema, so a token presented at another silo's host is simply
unknown there: 401, exactly like a made-up token.

The token is looked up once per request: the rate limiter (middleware, before DRF) calls
``request_authenticate`` and the result is kept on the Django request, which the DRF authentication
class then reuses, so a request never pays for two token lookups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cashsheet.api.actor import FLAG as ACTOR_FLAG
from cashsheet.api.actor import actor_columns_sql
from cashsheet.api.tenancy import current_silo
from cashsheet.api.tokens import token_digest

KEYWORD = "Bearer"
_ATTR = "_cashsheet_auth"


def _token_model():
    return apps.get_model(settings.CASHSHEET_TOKEN_MODEL)


@dataclass(frozen=True)
class AuthResult:
    """What the request's Authorization header proved: a token and its user, nothing, or an error."""

    user: Any = None
    token: Any = None
    error: exceptions.AuthenticationFailed | None = None


def _lookup(request: HttpRequest) -> AuthResult:
    header = authentication.get_authorization_header(request).decode("latin-1")
    if not header:
        return AuthResult()
    # Split on the ASCII space and tab of HTTP only: str.split() would also split on (and drop) \xa0 or \x85,
    # leaving nothing to read for a header that is only such a byte.
    parts = header.replace("\t", " ").split(" ")
    parts = [p for p in parts if p]
    if not parts or parts[0].lower() != KEYWORD.lower():
        return AuthResult(error=exceptions.AuthenticationFailed("Authorization header must use the Bearer scheme."))
    if len(parts) != 2:
        return AuthResult(
            error=exceptions.AuthenticationFailed("Malformed Authorization header: expected 'Bearer <token>'.")
        )
    if current_silo() is None:
        return AuthResult(error=exceptions.AuthenticationFailed("Invalid token."))
    model = _token_model()
    try:
        # The same SELECT names the token's user and prefix as the actor of the request's writes for the
        # audit trail (cashsheet/api/actor.py): no round trip of its own.
        token = (
            model.objects.select_related("user")
            .annotate(
                _actor=RawSQL(
                    actor_columns_sql(model._meta.db_table, model.user.field.related_model._meta.db_table), []
                )
            )
            .get(digest=token_digest(parts[1]))
        )
    except model.DoesNotExist:
        return AuthResult(error=exceptions.AuthenticationFailed("Invalid token."))
    setattr(connection, ACTOR_FLAG, True)
    now = timezone.now()
    if token.revoked_at is not None:
        return AuthResult(error=exceptions.AuthenticationFailed("This token has been revoked."))
    if token.expires_at is not None and token.expires_at <= now:
        return AuthResult(error=exceptions.AuthenticationFailed("This token has expired."))
    if not token.user.is_active:
        return AuthResult(error=exceptions.AuthenticationFailed("The token's user is inactive."))
    touch_every = timedelta(seconds=settings.CASHSHEET_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or now - token.last_used_at >= touch_every:
        # A conditional UPDATE, not save(): cheap, and concurrent requests never clobber other fields.
        model.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return AuthResult(user=token.user, token=token)


def request_authenticate(request: HttpRequest) -> AuthResult:
    """Authenticate the request's Bearer token once; later calls return the same result.

    Must run after the silo is routed (the token table is per silo). Never raises for a bad token:
    the error is carried in the result, and DRF raises it when the view runs (401).
    """
    request = getattr(request, "_request", request)  # a DRF Request wraps the Django one
    result = getattr(request, _ATTR, None)
    if result is None:
        result = _lookup(request)
        setattr(request, _ATTR, result)
    return result


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = KEYWORD

    def authenticate(self, request):
        result = request_authenticate(request)
        if result.error is not None:
            raise result.error
        if result.token is None:
            return None
        return result.user, result.token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from Profile → API Tokens or POST /api/v2/tokens/.",
        }
