from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cashsheet.api.permissions import IsAuthenticated
from silos.members import selectors, services
from silos.members.api.serializers import ApiTokenCreatedSerializer, ApiTokenCreateSerializer, ApiTokenSerializer


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
class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "delete", "head", "options"]
    search_fields = ["name", "prefix"]
    ordering_fields = ["created_at", "updated_at", "id", "name", "last_used_at"]
    ordering = ["-created_at", "-id"]
    filterset_fields = ["name"]

    def get_queryset(self):
        return selectors.token_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, raw = services.token_create(user=request.user, issued_by=request.auth, **data.validated_data)
        token.token = raw
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.token_revoke(token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        token = services.token_revoke(token=self.get_object())
        return Response(ApiTokenSerializer(token).data)
