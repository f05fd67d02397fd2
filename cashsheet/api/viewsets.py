"""Base viewsets: every resource gets the same methods, list conventions, errors and permissions.

A resource answers GET (list, detail), POST and PATCH. PUT and DELETE answer 405 unless a view
opts in (``allow_delete = True``): ERP records are corrected, deactivated or reversed, not erased.
"""

from django.db import transaction
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response


class ResourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering = ["-created_at", "-id"]
    ordering_fields = ["created_at", "updated_at", "id"]
    search_fields: list[str] = []

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()


class ServiceViewSet(ResourceViewSet):
    """GET/POST/PATCH where POST and PATCH call `create_service` / `update_service` (keyword `instance_kw`)."""

    create_service = None
    update_service = None
    instance_kw = ""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(**serializer.validated_data)
        return Response(self.get_serializer(self._reload(instance)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        instance = type(self).update_service(**{self.instance_kw: instance}, **serializer.validated_data)
        return Response(self.get_serializer(self._reload(instance)).data)

    def _reload(self, instance):
        # Re-read through the selector so the response has the same joins and children as GET.
        return self.get_queryset().get(pk=instance.pk)


class ReadOnlyResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "head", "options"]
    ordering = ["-created_at", "-id"]
    ordering_fields = ["created_at", "updated_at", "id"]
    search_fields: list[str] = []
