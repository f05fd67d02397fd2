from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from cashsheet.api.permissions import IsAuthenticated
from cashsheet.api.viewsets import ReadOnlyResourceViewSet, ResourceViewSet
from silos.members import selectors, services
from silos.members.api.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    DeletedObjectSerializer,
)
from silos.members.filters import DeletedObjectFilterSet


@extend_schema_view(
    list=extend_schema(
        summary="List API tokens",
        tags=["tokens"],
        description="Your tokens; a silo admin sees every token of the silo. Secrets are never listed.",
    ),
    retrieve=extend_schema(summary="Read an API token", tags=["tokens"]),
    create=extend_schema(
        summary="Create an API token",
        tags=["tokens"],
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
        description="The response's `token` is the secret, shown this once. The new token cannot outlive the "
        "token making the request: its `expires_at` defaults to, and may not be later than, that token's; "
        "revoking that token revokes this one.",
    ),
    destroy=extend_schema(summary="Revoke an API token", tags=["tokens"], responses={204: None}),
    revoke=extend_schema(
        summary="Revoke an API token", tags=["tokens"], request=None, responses={200: ApiTokenSerializer}
    ),
)
class ApiTokenViewSet(ResourceViewSet):
    serializer_class = ApiTokenSerializer
    create_serializer_class = ApiTokenCreateSerializer
    created_serializer_class = ApiTokenCreatedSerializer
    secret_fields = ("token",)  # shown once, in the creation answer; an Idempotency-Key replay omits it
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "delete", "head", "options"]
    search_fields = ["name", "prefix"]
    ordering_fields = ["created_at", "updated_at", "id", "name", "last_used_at"]
    ordering = ["-created_at", "-id"]
    filterset_fields = ["name"]

    def get_queryset(self):
        return selectors.token_list(user=self.request.user)

    def create_service(self, data):
        token, raw = services.token_create(user=self.request.user, issued_by=self.request.auth, **data)
        token.token = raw  # rendered once by ApiTokenCreatedSerializer
        return token

    def destroy_service(self, token):
        services.token_revoke(token=token)

    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        token = self.get_object()
        return self.write(lambda: services.token_revoke(token=token))


@extend_schema_view(
    list=extend_schema(
        summary="List deleted objects (tombstones)",
        tags=["sync"],
        description="Every row a DELETE erased (accounts, webhook endpoints, ...): `resource` is the list it was "
        "in and `object_id` its id. Sync with `?updated_since=` (or `?cursor=`) like any list and drop those rows "
        "from your copy. A revoked token is not deleted: it stays in /tokens/ with `revoked_at`.",
    ),
    retrieve=extend_schema(summary="Read a tombstone", tags=["sync"]),
)
class DeletedObjectViewSet(ReadOnlyResourceViewSet):
    serializer_class = DeletedObjectSerializer
    filterset_class = DeletedObjectFilterSet
    permission_classes = [IsAuthenticated]  # ids and list names only: every integration may read them
    search_fields = ["resource"]
    ordering_fields = ["created_at", "updated_at", "id", "deleted_at"]

    def get_queryset(self):
        return selectors.deleted_object_list()
