"""Views the whole API shares: JSON error handlers and the API root (health probes: cashsheet.api.health)."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.response import Response

from cashsheet.api.exceptions import error_body


def _json_error(status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(error_body(status_code, code, detail), status=status_code)


def handler400(request, exception=None):
    return _json_error(400, "bad_request", "Bad request.")


def handler403(request, exception=None):
    return _json_error(403, "permission_denied", "You do not have permission to perform this action.")


def handler404(request, exception=None):
    return _json_error(404, "not_found", "Not found. Check the host (your silo's subdomain) and the path.")


def handler500(request):
    # Django calls this inside its `except` block, so the exception is at hand. A lost database (restart,
    # failover, network) is not a bug in the request: 503 with Retry-After tells a client to retry.
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        response = _json_error(503, "unavailable", "The database is unavailable; retry shortly.")
        response["Retry-After"] = "5"
        return response
    return _json_error(500, "server_error", "Internal error; it has been logged. Retry, or contact support.")


@extend_schema(
    summary="The API root",
    tags=["api"],
    responses={
        200: inline_serializer(
            "ApiRoot",
            {
                "version": serializers.CharField(),
                "docs": serializers.URLField(),
                "openapi": serializers.URLField(),
                "resources": serializers.DictField(child=serializers.URLField()),
            },
        )
    },
)
@api_view(["GET"])
@permission_classes([])
@authentication_classes([])
def api_root(request, version=None):
    """The API root: where the docs, the schema and every resource of this silo are."""
    from cashsheet.api.routers import REGISTERED_PREFIXES

    base = request.build_absolute_uri(f"/api/{request.version}/")
    return Response(
        {
            "version": request.version,
            "docs": f"{base}docs/",
            "openapi": f"{base}openapi.json",
            "resources": {prefix: f"{base}{prefix}/" for prefix in sorted(REGISTERED_PREFIXES)},
        },
        status=status.HTTP_200_OK,
    )
