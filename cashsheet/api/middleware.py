"""Request plumbing that runs before DRF: silo routing by host, and headers on every API response."""

import time

from django.conf import settings
from django.contrib.auth import middleware as _auth
from django.contrib.messages import middleware as _messages
from django.contrib.sessions import middleware as _sessions
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import JsonResponse
from django.middleware import csrf as _csrf
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_tenant_domain_model

from cashsheet.api.exceptions import error_body


class SiloMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, with the host → silo lookup cached briefly in process memory.

    Without the cache every request costs a domain query plus a `SET search_path`; silos change
    rarely, and a deleted silo's host stops resolving within CASHSHEET_SILO_CACHE_SECONDS. With
    TENANT_LIMIT_SET_CALLS the search_path is only re-issued when the connection's silo changes
    (django-tenants forgets it on rollback and on close, so it is never trusted stale).
    """

    _cache: dict[str, tuple[float, object | None]] = {}

    def _lookup(self, hostname: str):
        ttl = settings.CASHSHEET_SILO_CACHE_SECONDS
        now = time.monotonic()
        hit = self._cache.get(hostname)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
        connection.set_schema_to_public()
        domain_model = get_tenant_domain_model()
        try:
            tenant = domain_model.objects.select_related("tenant").get(domain=hostname).tenant
        except domain_model.DoesNotExist:
            tenant = None
        if tenant is not None and tenant.is_template:
            tenant = None
        self._cache[hostname] = (now, tenant)
        return tenant

    def process_request(self, request):
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return JsonResponse(error_body(400, "bad_host", "This host is not served here."), status=400)
        tenant = self._lookup(hostname)
        if tenant is None:
            connection.set_schema_to_public()
            return self.no_tenant_found(request, hostname)
        tenant.domain_url = hostname
        request.tenant = tenant
        if getattr(connection, "schema_name", None) != tenant.schema_name:
            connection.set_tenant(tenant)
        self.setup_url_routing(request)
        return None

    @classmethod
    def forget(cls) -> None:
        cls._cache.clear()


class ApiResponseHeadersMiddleware:
    """Deprecation headers on every /api/v1/ response (RFC 9745 Deprecation, RFC 8594 Sunset)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/v1/"):
            response["Deprecation"] = "@1735689600"  # 2025-01-01, when v2 became current
            response["Sunset"] = settings.CASHSHEET_V1_SUNSET
            response["Link"] = (
                f'<{request.scheme}://{request.get_host()}{settings.CASHSHEET_API_DOCS_URL}>; rel="successor-version"'
            )
        return response


def is_token_api_call(request) -> bool:
    """An API call carrying an Authorization header: no session, CSRF cookie or flash messages apply."""
    return request.path_info.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META


class _BrowserOnly:
    """Skips this middleware for token API calls; browsers (silo UI, API docs, admin) get it as usual.

    DRF authenticates a Bearer call itself and its views are CSRF-exempt, so sessions, CSRF, Django's
    authentication and messages only cost such a request time, and add no header to its response.
    Subclassing (not wrapping) keeps Django's checks and its process_view hooks as they were.
    """

    def __call__(self, request):
        if is_token_api_call(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_BrowserOnly, _sessions.SessionMiddleware):
    pass


class CsrfViewMiddleware(_BrowserOnly, _csrf.CsrfViewMiddleware):
    pass


class AuthenticationMiddleware(_BrowserOnly, _auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(_BrowserOnly, _messages.MessageMiddleware):
    pass
