"""Bearer token authentication against the hashed tokens of the current silo's schema.

The token table lives in each silo's schema, so a token presented at another silo's host is simply
unknown there: 401, exactly like a made-up token.
"""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cashsheet.api.tenancy import current_silo
from cashsheet.api.tokens import token_digest


def _token_model():
    return apps.get_model(settings.CASHSHEET_TOKEN_MODEL)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed("Authorization header must use the Bearer scheme.")
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: expected 'Bearer <token>'.")
        if current_silo() is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        model = _token_model()
        try:
            token = model.objects.select_related("user").get(digest=token_digest(parts[1]))
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed("This token has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user is inactive.")
        touch_every = timedelta(seconds=settings.CASHSHEET_TOKEN_TOUCH_SECONDS)
        if token.last_used_at is None or now - token.last_used_at >= touch_every:
            # A conditional UPDATE, not save(): cheap, and concurrent requests never clobber other fields.
            model.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

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
