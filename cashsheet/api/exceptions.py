"""Domain errors and the one JSON error shape for every 4xx and 5xx under /api/.

Shape::

    {"status": 400, "code": "invalid", "detail": "Invalid input.",
     "errors": [{"field": "lines.0.quantity_lb", "code": "min_value", "message": "..."}]}

Domain errors may add context keys beside these (e.g. ``shortfall_lb``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused the request. Services raise subclasses; the handler renders them."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"

    def __init__(self, detail: str, *, field: str | None = None, **context: Any):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.context = context


class InvalidInput(DomainError):
    """Input that is well-formed but refers to something that does not fit (400, names the field)."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class ServiceUnavailable(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "unavailable"


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error detail into a flat list with dotted field paths."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if not prefix else f"{prefix}.{key}"
            if key == "non_field_errors":
                name = prefix or "non_field_errors"
            out.extend(_flatten(value, name))
    elif isinstance(detail, list):
        if all(isinstance(x, exceptions.ErrorDetail | str) for x in detail):
            for item in detail:
                out.append(
                    {
                        "field": prefix or "non_field_errors",
                        "code": getattr(item, "code", "invalid"),
                        "message": str(item),
                    }
                )
        else:
            for index, item in enumerate(detail):
                if item:
                    out.extend(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out.append(
            {"field": prefix or "non_field_errors", "code": getattr(detail, "code", "invalid"), "message": str(detail)}
        )
    return out


def error_body(status_code: int, code: str, detail: str, errors: list | None = None, **extra: Any) -> dict:
    """The shape. Context never replaces `status` (or `errors`): a domain error's `status=doc.status` (the
    record's state) is given as `current_status`, so `status` stays the HTTP status a typed client reads."""
    for key in ("status", "errors"):
        if key in extra:
            extra[f"current_{key}"] = extra.pop(key)
    body = {"status": status_code, "code": code, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def exception_handler(exc, context):
    if isinstance(exc, DomainError | ProtectedError | IntegrityError | DataError | OperationalError | InterfaceError):
        set_rollback()
    if isinstance(exc, DomainError):
        context = dict(exc.context)
        errors = context.pop("errors", None)  # a service naming several fields gives its own list
        if errors is None and exc.field:
            errors = [{"field": exc.field, "code": exc.code, "message": exc.detail}]
        return Response(error_body(exc.status_code, exc.code, exc.detail, errors, **context), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, ProtectedError):
        return Response(
            error_body(409, "protected", "This record is referenced by other records and cannot be deleted."),
            status=409,
        )
    if isinstance(exc, IntegrityError):
        # Constraint names follow app_class_rule; a unique violation that slipped past validation
        # (a race between two requests) is a conflict, not a server error.
        logger.info("integrity error turned into 409: %s", exc)
        return Response(
            error_body(409, "conflict", "The change conflicts with existing data; retry or re-read."), status=409
        )
    if isinstance(exc, DataError):
        # A value the database refused that validation let through (a bug to fix where it is found): still the
        # client's input, so 400 rather than 500; logged so that it is found.
        logger.warning("database refused a value (DataError turned into 400): %s", exc)
        return Response(error_body(400, "invalid", "A value is out of range or not accepted; check the input."), 400)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database went away or cancelled the statement: transient, say so and ask for a retry.
        logger.warning("database unavailable (turned into 503): %s: %s", type(exc).__name__, exc)
        return Response(
            error_body(503, "unavailable", "The database is unavailable; retry shortly."),
            status=503,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        fields = sorted({e["field"] for e in errors})
        detail = "Invalid input: " + ", ".join(fields) + "."
        response.data = error_body(response.status_code, "invalid", detail, errors)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, dict | list):
            response.data = error_body(response.status_code, code, "Request failed.", _flatten(detail))
        else:
            response.data = error_body(response.status_code, getattr(detail, "code", code), str(detail))
    return response
