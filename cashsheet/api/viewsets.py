"""Base viewsets: every resource gets the same methods, list conventions, errors and permissions.

A resource answers GET (list, detail), POST and PATCH. PUT and DELETE answer 405 unless a view
opts in (``allow_delete = True``): ERP records are corrected, deactivated or reversed, not erased.
"""

from django.db import transaction
from rest_framework import mixins, viewsets


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


class ReadOnlyResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "head", "options"]
    ordering = ["-created_at", "-id"]
    ordering_fields = ["created_at", "updated_at", "id"]
    search_fields: list[str] = []
