"""Request plumbing that runs before DRF: silo routing by host, and headers on every API response."""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django_tenants.middleware.main import TenantMainMiddleware

from cashsheet.api.exceptions import error_body


class SiloMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, with the host → silo lookup cached briefly in process memory.

    The lookup is one query per request otherwise; silos change rarely, and a deleted silo's host
    stops resolving within CASHSHEET_SILO_CACHE_SECONDS.
    """

    _cache: dict[str, tuple[float, object]] = {}

    def get_tenant(self, domain_model, hostname):
        ttl = settings.CASHSHEET_SILO_CACHE_SECONDS
        hit = self._cache.get(hostname)
        now = time.monotonic()
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
        tenant = super().get_tenant(domain_model, hostname)
        if tenant.is_template:
            raise domain_model.DoesNotExist
        self._cache[hostname] = (now, tenant)
        return tenant

    def process_request(self, request):
        try:
            return super().process_request(request)
        except Exception as exc:  # DisallowedHost and the like: answer in JSON, never HTML
            from django.core.exceptions import DisallowedHost

            if isinstance(exc, DisallowedHost):
                return JsonResponse(error_body(400, "bad_host", "This host is not served here."), status=400)
            raise

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


def _schema() -> str:
    return getattr(connection, "schema_name", "public")
