"""The OpenAPI document every resource shares, built once here so that a new endpoint is covered as it lands.

`AutoSchema` (settings: DEFAULT_SCHEMA_CLASS) adds to each operation what the shared plumbing can answer:
the error statuses, each with the one `Error` schema (cashsheet/api/exceptions.py renders every 4xx/5xx in
that shape); response fields the serializers always render are `required`; a read-only field that renders
None (a `default=None`, or a path through a nullable relation) is `nullable`; the security requirement once.
`postprocess` (a drf-spectacular postprocessing hook) sets the document's `servers` and top-level security.
`SplitChoiceField` documents a choice field whose answers carry more values than a request may send.

The contract test (tests/test_openapi_contract.py) validates real responses of every list and detail
operation against this document, so a field that is null or absent in practice cannot be typed otherwise.
"""

from __future__ import annotations

import inspect

from django.db import models
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent

from cashsheet.api.serializers import SplitChoiceField

ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_ITEM_SCHEMA = {
    "type": "object",
    "description": "One refused field: its dotted path (`lines.0.quantity_lb`), a code and a message.",
    "properties": {
        "field": {"type": "string", "description": "Dotted path of the field, or `non_field_errors`."},
        "code": {"type": "string", "description": "Machine-readable reason, e.g. `required`, `unique`."},
        "message": {"type": "string"},
        "existing_id": {
            "type": "integer",
            "description": "On a `unique` conflict: the id of the record that already holds this value.",
        },
    },
    "required": ["field", "code", "message"],
    "additionalProperties": True,
}

SHORTAGE_LINE_SCHEMA = {
    "type": "object",
    "description": "One line's ATP answer in a 409 `atp_shortage`.",
    "properties": {
        "line": {"type": "integer", "description": "The line's position in the order (0-based), as in `errors`."},
        "id": {
            "type": "integer",
            "description": "The line's id, when the line exists: absent when the order was created by the refused "
            "POST (its transaction rolled back, so the line does not exist).",
        },
        "requested_lb": {"type": "number"},
        "available_lb": {"type": "number", "description": "What can be delivered by the line's date."},
        "source_facility": {"type": "string", "nullable": True, "description": "Facility code ATP would ship from."},
        "marginal_price_per_lb": {"type": "number", "nullable": True},
    },
    "required": ["line", "requested_lb", "available_lb", "source_facility", "marginal_price_per_lb"],
    "additionalProperties": True,
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every 4xx and 5xx under /api/ has this shape. Domain errors add context keys beside these.",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status, repeated."},
        "code": {"type": "string", "description": "Machine-readable: `invalid`, `not_found`, `conflict`, …"},
        "detail": {"type": "string", "description": "A sentence for people."},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorItem"}},
        "existing_id": {
            "type": "integer",
            "description": "On a 409 for a duplicate: the id of the record that already holds the first "
            "conflicting value (each field's own holder is in `errors[].existing_id`).",
        },
        "lines": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/ShortageLine"},
            "description": "On a 409 `atp_shortage`: every line of the order with what ATP can deliver; the short "
            "ones are also in `errors` (`lines.N.quantity_lb`, code `atp_shortage`).",
        },
        "suggestion": {"type": "string", "description": "On a 404 for a missing trailing slash: the right path."},
        "retry_after": {"type": "integer", "description": "On a 429: seconds to wait."},
        "current_status": {
            "type": "string",
            "description": "On a 409 for a state change: the record's status now (`allowed` lists the next ones).",
        },
        "allowed": {"type": "array", "items": {"type": "string"}, "description": "On a 409 `invalid_transition`."},
    },
    "required": ["status", "code", "detail"],
    "additionalProperties": True,
}

# status -> (description, example body). Which operations get which is decided in AutoSchema._error_statuses.
ERROR_RESPONSES: dict[int, tuple[str, dict]] = {
    400: (
        "Invalid input: `errors` names each field and reason.",
        {
            "status": 400,
            "code": "invalid",
            "detail": "Invalid input: credit_limit.",
            "errors": [
                {
                    "field": "credit_limit",
                    "code": "min_value",
                    "message": "Ensure this value is greater than or equal to 0.",
                }
            ],
        },
    ),
    401: (
        "No valid token (missing, malformed, unknown, expired, revoked or another silo's).",
        {"status": 401, "code": "not_authenticated", "detail": "Authentication credentials were not provided."},
    ),
    403: (
        "The token's user lacks the permission.",
        {"status": 403, "code": "permission_denied", "detail": "You do not have permission to perform this action."},
    ),
    404: (
        "No such record in this silo (or the host is no silo's).",
        {"status": 404, "code": "not_found", "detail": "No Customer matches the given query."},
    ),
    406: (
        "The Accept header asks for a format the API does not serve.",
        {"status": 406, "code": "not_acceptable", "detail": "Could not satisfy the request Accept header."},
    ),
    409: (
        "A conflict: a duplicate (each field with the id that holds it), an invalid transition, a shortage.",
        {
            "status": 409,
            "code": "conflict",
            "detail": "A record with this external_ref already exists.",
            "errors": [
                {
                    "field": "external_ref",
                    "code": "unique",
                    "message": "A record with this external_ref already exists.",
                    "existing_id": 42,
                }
            ],
            "existing_id": 42,
        },
    ),
    411: (
        "A chunked request body without Content-Length: send the body with its length.",
        {"status": 411, "code": "length_required", "detail": "Send the request body with a Content-Length header."},
    ),
    415: (
        "The body is not JSON.",
        {"status": 415, "code": "unsupported_media_type", "detail": 'Unsupported media type "text/plain" in request.'},
    ),
    503: (
        "The database is unavailable: retry after `Retry-After` seconds.",
        {"status": 503, "code": "unavailable", "detail": "The database is unavailable; retry shortly."},
    ),
}


def error_response(status: int, description: str | None = None, example: dict | None = None) -> dict:
    """An OpenAPI response object for `status` in the one Error shape."""
    default_description, default_example = ERROR_RESPONSES.get(status, ("Error.", {"status": status}))
    return {
        "description": description or default_description,
        "content": {
            "application/json": {
                "schema": ERROR_REF,
                "examples": {"error": {"value": example or default_example}},
            }
        },
    }


def _choice_values(choices) -> list:
    return [c[0] if isinstance(c, list | tuple) else c for c in choices]


class SplitChoiceFieldExtension(OpenApiSerializerFieldExtension):
    """Each direction's enum as a named component of its own (`JournalEntrySourceEnum`, `...RequestEnum`).

    Named here rather than by drf-spectacular's enum hook, which names a request component's enum after the
    response component and so gives both directions one enum.
    """

    target_class = SplitChoiceField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        choices = field.choices if direction == "request" else field.response_choices
        owner = type(field.parent).__name__.removesuffix("Serializer") if field.parent is not None else ""
        camel = "".join(part.capitalize() for part in field.field_name.split("_"))
        name = f"{owner}{camel}{'Request' if direction == 'request' else ''}Enum"
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            object=name,
            schema={"type": "string", "enum": [str(v) for v in _choice_values(choices)]},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def _nullable_path(field) -> bool:
    """True when a read-only field's dotted source crosses a nullable relation (`source_facility.code`)."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    attrs = getattr(field, "source_attrs", None) or []
    if model is None or len(attrs) < 2:
        return False
    for attr in attrs[:-1]:
        try:
            model_field = model._meta.get_field(attr)
        except Exception:
            return False
        if not isinstance(model_field, models.ForeignKey | models.OneToOneField):
            return False
        if model_field.null:
            return True
        model = model_field.related_model
    return False


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema with the API's shared answers (see the module docstring)."""

    def get_description(self) -> str:
        # Only docstrings written for this resource: the base viewsets' (inherited) describe the plumbing.
        action_or_method = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        action_doc = getattr(action_or_method, "__doc__", None)
        if action_doc and getattr(action_or_method, "__module__", "").startswith(("rest_framework", "cashsheet")):
            action_doc = None
        view_doc = type(self.view).__dict__.get("__doc__")
        return inspect.cleandoc(action_doc or view_doc or "")

    def get_auth(self):
        if not self.view.get_authenticators():
            return []  # a public operation (the API root): no token needed
        auths: list = []
        for requirement in super().get_auth():
            if requirement not in auths and requirement != {}:
                auths.append(requirement)
        return auths

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "response" and field.read_only and (field.default is None or _nullable_path(field)):
            meta["nullable"] = True
        return meta

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and schema.get("properties") and not getattr(serializer, "optional_keys", False):
            # A serializer renders every readable field on every row: a client may rely on each key.
            # (`optional_keys = True`: a stored JSON object whose keys are each optional, e.g. an address;
            # `optional_fields`: the keys only some rows carry, e.g. a plan row's `pattern` for cuts.)
            optional = set(getattr(serializer, "optional_fields", ()))
            schema["required"] = sorted(set(schema["properties"]) - optional)
        return schema

    def _error_statuses(self) -> list[int]:
        method = self.method.upper()
        statuses = [400, 404, 406, 503]
        if self.view.get_authenticators():
            statuses += [401, 403]
        if method in ("POST", "PUT", "PATCH"):
            statuses += [409, 411, 415]
        elif method == "DELETE":
            statuses.append(409)
        return sorted(statuses)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        self.registry.register_on_missing(
            ResolvedComponent(name="ErrorItem", type=ResolvedComponent.SCHEMA, object="ErrorItem",
                              schema=ERROR_ITEM_SCHEMA)
        )  # fmt: skip
        self.registry.register_on_missing(
            ResolvedComponent(name="ShortageLine", type=ResolvedComponent.SCHEMA, object="ShortageLine",
                              schema=SHORTAGE_LINE_SCHEMA)
        )  # fmt: skip
        self.registry.register_on_missing(
            ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA)
        )
        for status in self._error_statuses():
            responses.setdefault(str(status), error_response(status))
        for status, response in responses.items():
            # A view's own error response (a description of when it happens) gets the one body shape.
            if status >= "400" and "content" not in response:
                response.update(error_response(int(status), response.get("description")))
        return responses

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None and not self.view.get_authenticators():
            operation["security"] = []  # public: the document's top-level bearer requirement does not apply
        return operation


def ordering_description(fields: list[str], default: list[str] | tuple[str, ...] | str | None) -> str:
    default_text = ",".join(default) if isinstance(default, list | tuple) else (default or "")
    return (
        "Sort by one or more comma-separated fields, `-` for descending. Allowed: "
        + ", ".join(f"`{name}`" for name in fields)
        + (f". Default: `{default_text}`." if default_text else ".")
        + " Ties are broken by id, so pages are stable."
    )


def postprocess(result, generator, request, public):
    """drf-spectacular hook: `servers` (this host first when served), top-level security listed once."""
    servers = [
        {
            "url": "https://{slug}.cashsheets.com",
            "description": "Your silo's host.",
            "variables": {"slug": {"default": "blythe", "description": "Your silo's subdomain."}},
        }
    ]
    if request is not None:
        here = request.build_absolute_uri("/").rstrip("/")
        servers.insert(0, {"url": here, "description": "This silo."})
    result["servers"] = servers
    top = [{"bearerAuth": []}]
    result["security"] = top
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and operation.get("security") == top:
                del operation["security"]
    _blank_or_format_as_any_of(result.get("components", {}).get("schemas", {}))
    return result


def _blank_or_format_as_any_of(node) -> None:
    """A blank-allowed formatted string (e.g. an optional email) is rendered as oneOf [maxLength 0, format]; ''
    matches both branches, so a strict validator refuses every blank value. anyOf says what is meant."""
    if isinstance(node, dict):
        one_of = node.get("oneOf")
        if isinstance(one_of, list) and any(isinstance(b, dict) and b.get("maxLength") == 0 for b in one_of):
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _blank_or_format_as_any_of(value)
    elif isinstance(node, list):
        for value in node:
            _blank_or_format_as_any_of(value)
