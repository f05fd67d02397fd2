"""Base viewsets: every resource gets the same methods, list conventions, errors, permissions and write path.

A resource answers GET (list, detail), POST and PATCH. PUT and DELETE answer 405 unless a view lists
"delete" in `http_method_names` (and says what `destroy_service` does): ERP records are corrected,
deactivated or reversed, not erased.

The write path (as NetBox's base viewsets own it): a view validates input with its serializer and names
the app's service in a hook (`create_service`, `update_service`, `destroy_service`, or a custom action's
`self.write(...)`). The base runs the service in the request's one durable transaction, re-reads the
result through `get_queryset()` (the selector, with its joins and prefetches) so the response is exactly
what GET returns, and stores the Idempotency-Key outcome inside that same transaction: a write and its
record commit together or not at all (cashsheet/api/idempotency.py). Domain errors, ProtectedError and
IntegrityError become 400/409 in the one exception handler (cashsheet/api/exceptions.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from cashsheet.api import idempotency
from cashsheet.api.routers import RESOURCE_OF
from cashsheet.api.tombstones import tombstone_record

# `write(render=...)` default: re-read the result through get_queryset() and render it as GET does.
REREAD: Any = object()


def _unchanged(instance, data: dict[str, Any]) -> bool:
    """True when every field of a PATCH is a plain column of `instance` already holding that value.

    Anything else (nested lines, a transition such as `status`, a write-only input) is left to the service.
    """
    if not data or "status" in data:
        return False
    for name, value in data.items():
        try:
            field = instance._meta.get_field(name)
        except Exception:
            return False
        if not getattr(field, "concrete", False) or field.many_to_many:
            return False
        current = getattr(instance, field.attname)
        if field.is_relation:
            value = getattr(value, "pk", value)
        if current != value:
            return False
    return True


class ReadOnlyResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "head", "options"]
    ordering = ["-created_at", "-id"]
    ordering_fields = ["created_at", "updated_at", "id"]
    search_fields: list[str] = []


class ResourceViewSet(ReadOnlyResourceViewSet):
    """GET, POST and PATCH, the writes through the app's services (see the module docstring).

    Subclasses implement the hooks they serve; a method whose hook is missing answers 405.
    `create_serializer_class` / `update_serializer_class` validate the request body when it is not the
    resource's own shape (default: `serializer_class`). `created_serializer_class` renders the POST answer
    from the instance the service returned, where that is not the GET shape (a secret shown once).
    `secret_fields` name such fields (a token, a signing secret): an Idempotency-Key replay answers them
    as null, with `secret_shown_once: true`, so a secret is never stored.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]
    create_serializer_class = None
    update_serializer_class = None
    created_serializer_class = None
    created_status = status.HTTP_201_CREATED  # 202 where the work continues in a worker
    secret_fields: tuple[str, ...] = ()

    # --- The hooks ---------------------------------------------------------------------------------

    def create_service(self, data: dict[str, Any]):
        """Call the app's create service with the validated body; return the new instance."""
        raise MethodNotAllowed(self.request.method)

    def update_service(self, instance, data: dict[str, Any]):
        """Call the app's update (or transition) service; return the changed instance."""
        raise MethodNotAllowed(self.request.method)

    def destroy_service(self, instance) -> None:
        """Call the app's delete (or revoke) service."""
        raise MethodNotAllowed(self.request.method)

    # --- The write path ----------------------------------------------------------------------------

    def create(self, request, *args, **kwargs):
        data = self.validated(self.create_serializer_class or self.get_serializer_class(), data=request.data)
        return self.write(lambda: self.create_service(data), status=self.created_status, render=self.render_created)

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.validated(
            self.update_serializer_class or self.get_serializer_class(), instance, data=request.data, partial=True
        )
        if _unchanged(instance, data):
            # Nothing would change: no write, so updated_at (and a sync's position) stays where it was.
            return self.write(lambda: instance)
        return self.write(lambda: self.update_service(instance, data))

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        pk, model = instance.pk, type(instance)  # delete() clears instance.pk

        def service():
            self.destroy_service(instance)
            if not model._default_manager.filter(pk=pk).exists():
                # Really erased (a revoke keeps the row): leave a tombstone for incremental syncs.
                tombstone_record(resource=RESOURCE_OF.get(type(self), self.basename), object_id=pk)

        return self.write(service, status=status.HTTP_204_NO_CONTENT, render=None)

    def validated(self, serializer_class, *args, **kwargs) -> dict[str, Any]:
        """The request body checked by `serializer_class` (400 naming the fields otherwise)."""
        serializer = serializer_class(*args, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def render_created(self, result) -> Any:
        """The POST answer: the new row re-read as GET renders it, or `created_serializer_class`'s rendering
        of what the service returned (a secret shown once is not in the database to re-read)."""
        if self.created_serializer_class is not None:
            return self.created_serializer_class(result, context=self.get_serializer_context()).data
        return self.render_reread(result)

    def render_reread(self, instance) -> Any:
        """`instance` re-read through get_queryset() (the selector's joins) and rendered by get_serializer()."""
        return self.get_serializer(self.get_queryset().get(pk=instance.pk)).data

    def render_with(self, serializer_class) -> Callable[[Any], Any]:
        """A `write(render=...)` rendering the service's result itself with `serializer_class` (no re-read)."""
        return lambda instance: serializer_class(instance, context=self.get_serializer_context()).data

    def write(
        self,
        service: Callable[[], Any],
        *,
        status: int = status.HTTP_200_OK,
        render: Callable[[Any], Any] | None = REREAD,
    ) -> Response:
        """Run `service` in one durable transaction and answer with its result.

        `render` turns the result into the response body: by default the instance re-read through
        `get_queryset()` and rendered by `get_serializer()`; a callable for another shape; None for no body.
        """
        with transaction.atomic(durable=True):
            result = service()
            render = self.render_reread if render is REREAD else render
            data = None if render is None else render(result)
            response = Response(data, status=status)
            self._outcome_store(response)
        return response

    def _outcome_store(self, response: Response) -> None:
        """Store the Idempotency-Key outcome in the write's own transaction (no-op without a key)."""
        pending = idempotency.pending(self.request)
        if pending is None or not 200 <= response.status_code < 300:
            return
        data = response.data
        shown = [name for name in self.secret_fields if isinstance(data, dict) and data.get(name)]
        if shown:
            data = {**data, **dict.fromkeys(shown), "secret_shown_once": True}
        renderer, media_type = self.request.accepted_renderer, self.request.accepted_media_type
        body = b"" if data is None else renderer.render(data, media_type, self.get_renderer_context())
        content_type = f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type
        idempotency.outcome_store(pending, status=response.status_code, body=body, content_type=content_type)
