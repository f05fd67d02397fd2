"""Request plumbing that runs before DRF: input guards, silo routing by host, and API response headers."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth import middleware as _auth
from django.contrib.messages import middleware as _messages
from django.contrib.sessions import middleware as _sessions
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.http.request import split_domain_port
from django.middleware import csrf as _csrf
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_tenant_domain_model, remove_www

from cashsheet.api.exceptions import error_body

API_PREFIX = "/api/"
_BODY_METHODS = ("POST", "PUT", "PATCH")  # the writes whose body the API reads (and documents 411 for)
# What the shared handlers say for the statuses Django itself may answer (cashsheet.api.views).
_ERROR_TEXT = {
    404: ("not_found", "Not found. Check the host (your silo's subdomain) and the path."),
    500: ("server_error", "Internal error; it has been logged. Retry, or contact support."),
}


def json_error(status: int, code: str, detail: str, **extra) -> JsonResponse:
    return JsonResponse(error_body(status, code, detail, **extra), status=status)


def _is_json(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() in ("application/json", "application/problem+json")


class ApiGuardMiddleware:
    """Before anything else under /api/: refuse input no layer below may see, and keep every error JSON.

    - A NUL anywhere in the path or the query string is 400 naming the parameter: PostgreSQL text cannot
      hold one, so any filter that passed it on would fail in the database (a 500).
    - A URL longer than CASHSHEET_MAX_URL_BYTES is 414; more than CASHSHEET_MAX_HEADERS header fields, or one
      longer than CASHSHEET_MAX_HEADER_BYTES, is 431. gunicorn's own limits (gunicorn.conf.py) are set above
      these, so that Django, not gunicorn's HTML page, answers.
    - A POST, PUT or PATCH with a `Transfer-Encoding` header (a chunked body) is 411 Length Required. WSGI
      gives the application a body of CONTENT_LENGTH bytes; without one Django reads it as empty, so every
      field would be "required". Refusing says what to do (send Content-Length), where reading would depend on
      the server in front (gunicorn de-chunks, others do not). A reverse proxy that buffers request bodies
      (nginx's default) sends Content-Length itself and never reaches this.
    - Any 4xx/5xx under /api/ that is not JSON (Django's DEBUG 404 and 500 pages, a CSRF refusal) is replaced
      by the shared JSON error shape with the same status.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        refusal = self._refusal(request)
        response = refusal or self.get_response(request)
        if response.status_code >= 400 and not _is_json(response) and not getattr(response, "streaming", False):
            status = response.status_code
            code, detail = _ERROR_TEXT.get(status, ("error", _phrase(status)))
            replaced = json_error(status, code, detail)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replaced[header] = response[header]
            response = replaced
        return response

    def _refusal(self, request) -> JsonResponse | None:
        if request.META.get("HTTP_TRANSFER_ENCODING") and request.method in _BODY_METHODS:
            return json_error(
                411,
                "length_required",
                "Send the request body with a Content-Length header; chunked request bodies are not read.",
            )
        query = request.META.get("QUERY_STRING", "")
        if len(request.path.encode()) + len(query) > settings.CASHSHEET_MAX_URL_BYTES:
            return json_error(414, "uri_too_long", f"The URL is longer than {settings.CASHSHEET_MAX_URL_BYTES} bytes.")
        headers = [k for k in request.META if k.startswith("HTTP_") or k in ("CONTENT_TYPE", "CONTENT_LENGTH")]
        if len(headers) > settings.CASHSHEET_MAX_HEADERS:
            return json_error(
                431, "headers_too_large", f"More than {settings.CASHSHEET_MAX_HEADERS} request header fields."
            )
        limit = settings.CASHSHEET_MAX_HEADER_BYTES
        for key in headers:
            if len(str(request.META[key])) > limit:
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                return json_error(431, "headers_too_large", f"The {name} header is longer than {limit} bytes.")
        if "\x00" in request.path:
            return _nul_refusal("path", "The path contains a NUL character.")
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return _nul_refusal(key.replace("\x00", "\\x00"), "Contains a NUL character, which no field allows.")
        return None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "Request failed."


def _nul_refusal(field: str, message: str) -> JsonResponse:
    errors = [{"field": field, "code": "null_characters_not_allowed", "message": message}]
    return JsonResponse(error_body(400, "invalid", f"Invalid input: {field}.", errors), status=400)


class _SiloCache:
    """host → silo (or None for a host that is no silo's), bounded: least recently used entries go first
    once `max_size` is reached, and every entry expires `ttl` seconds after it was read from the database,
    so a renamed or dropped silo is seen within that time and random Host headers cannot grow memory."""

    def __init__(self):
        self._entries: OrderedDict[str, tuple[float, object | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, host: str) -> tuple[bool, object | None]:
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(host)
            if hit is None:
                return False, None
            if now - hit[0] >= settings.CASHSHEET_SILO_CACHE_SECONDS:
                del self._entries[host]
                return False, None
            self._entries.move_to_end(host)
            return True, hit[1]

    def put(self, host: str, silo) -> None:
        with self._lock:
            self._entries[host] = (time.monotonic(), silo)
            self._entries.move_to_end(host)
            while len(self._entries) > settings.CASHSHEET_SILO_CACHE_SIZE:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def normalise_host(host: str) -> str:
    """How silo hosts compare: lowercase, no port, no trailing dot, no leading www."""
    domain, _ = split_domain_port(host)
    return remove_www(domain)


class SiloMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, with the host → silo lookup cached briefly in process memory.

    Without the cache every request costs a domain query plus a `SET search_path`; silos change rarely.
    The cache is an LRU of CASHSHEET_SILO_CACHE_SIZE hosts with a CASHSHEET_SILO_CACHE_SECONDS TTL. With
    TENANT_LIMIT_SET_CALLS the search_path is only re-issued when the connection's silo changes
    (django-tenants forgets it on rollback and on close, so it is never trusted stale). Hosts are matched
    case-insensitively and with or without the trailing dot of a fully qualified name.
    """

    cache = _SiloCache()

    @staticmethod
    def hostname_from_request(request):
        return normalise_host(request.get_host())

    def _lookup(self, hostname: str):
        found, tenant = self.cache.get(hostname)
        if found:
            return tenant
        connection.set_schema_to_public()
        domain_model = get_tenant_domain_model()
        try:
            tenant = domain_model.objects.select_related("tenant").get(domain=hostname).tenant
        except domain_model.DoesNotExist:
            tenant = None
        if tenant is not None and tenant.is_template:
            tenant = None
        self.cache.put(hostname, tenant)
        return tenant

    def process_request(self, request):
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return json_error(400, "bad_host", "This host is not served here.")
        try:
            tenant = self._lookup(hostname)
        except DatabaseError:
            # The database is down or failing: say so (503, retry) rather than a 500.
            connection.close()
            response = json_error(503, "unavailable", "The database is unavailable; retry shortly.")
            response["Retry-After"] = "5"
            return response
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
        cls.cache.clear()


class CommonMiddleware(DjangoCommonMiddleware):
    """Django's, except that a write to an API path without its trailing slash is a JSON 404 saying so:
    Django would redirect it with 301 (clients re-send a POST as a GET) or, under DEBUG, fail with a 500."""

    def process_response(self, request, response):
        if (
            response.status_code == 404
            and request.path.startswith(API_PREFIX)
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and self.should_redirect_with_slash(request)
        ):
            suggestion = request.path + "/"
            return json_error(
                404, "not_found", f"Not found. API paths end with a slash: {suggestion}", suggestion=suggestion
            )
        return super().process_response(request, response)


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
