from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action

from cashsheet.api.pagination import PageNumberPagination
from cashsheet.api.viewsets import ReadOnlyResourceViewSet, ResourceViewSet
from webhooks import selectors, services
from webhooks.api.serializers import (
    AttemptSerializer,
    EndpointSerializer,
    EndpointWithSecretSerializer,
    EventSerializer,
    EventTypeSerializer,
    RedeliverSerializer,
)
from webhooks.events import EVENT_TYPES, example_event
from webhooks.filters import AttemptFilterSet, EndpointFilterSet, EventFilterSet
from webhooks.models import WebhookEndpoint

TAG = ["webhooks"]
CHANGE = ["webhooks.change_webhookendpoint"]
ENDPOINT_REQUEST = OpenApiExample(
    "Endpoint",
    value={
        "url": "https://erp.example.com/hooks/cashsheet",
        "description": "Order sync",
        "events": ["sales_order.confirmed", "invoice.posted"],
    },
    request_only=True,
)
ENDPOINT_CREATED = OpenApiExample(
    "Created endpoint",
    value={
        "id": 3,
        "url": "https://erp.example.com/hooks/cashsheet",
        "description": "Order sync",
        "events": ["sales_order.confirmed", "invoice.posted"],
        "active": True,
        "api_version": "v2",
        "disabled_at": None,
        "disabled_reason": "",
        "failing_since": None,
        "created_at": "2026-03-01T15:04:05Z",
        "updated_at": "2026-03-01T15:04:05Z",
        "secret": "whsec_Z3l0aGVzZWNyZXRpc3NpeHR5Zm91cmNoYXJhY3RlcnM=",
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(summary="List webhook endpoints", tags=TAG),
    retrieve=extend_schema(summary="Read a webhook endpoint", tags=TAG),
    create=extend_schema(
        summary="Create a webhook endpoint",
        tags=TAG,
        request=EndpointSerializer,
        responses={201: EndpointWithSecretSerializer},
        examples=[ENDPOINT_REQUEST, ENDPOINT_CREATED],
        description="The response carries `secret` (whsec_...) once; it is never shown again. The URL must be "
        "https and must not resolve to a loopback, private, link-local or metadata address.",
    ),
    partial_update=extend_schema(summary="Update a webhook endpoint", tags=TAG, examples=[ENDPOINT_REQUEST]),
    destroy=extend_schema(summary="Delete a webhook endpoint and its delivery log", tags=TAG),
)
class WebhookEndpointViewSet(ResourceViewSet):
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    serializer_class = EndpointSerializer
    filterset_class = EndpointFilterSet
    search_fields = ["url", "description"]
    ordering_fields = ["created_at", "updated_at", "id", "url"]
    action_permissions = {"rotate_secret": CHANGE, "test": CHANGE}
    # The creation and rotation answers are the only times the secret is shown (never stored, see the base).
    created_serializer_class = EndpointWithSecretSerializer
    secret_fields = ("secret",)

    def get_queryset(self):
        return selectors.endpoint_list()

    def create_service(self, data):
        return services.endpoint_create(**data)

    def update_service(self, endpoint, data):
        return services.endpoint_update(endpoint=endpoint, **data)

    def destroy_service(self, endpoint):
        services.endpoint_delete(endpoint=endpoint)

    @extend_schema(
        summary="Rotate the signing secret",
        tags=TAG,
        request=None,
        responses={200: EndpointWithSecretSerializer},
        description="Returns the new secret once. For 24 hours payloads carry two v1 signatures, new and old.",
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args, **kwargs):
        endpoint = self.get_object()
        return self.write(
            lambda: services.endpoint_rotate_secret(endpoint=endpoint),
            render=self.render_with(EndpointWithSecretSerializer),
        )

    @extend_schema(
        summary="Send a ping event to this endpoint",
        tags=TAG,
        request=None,
        responses={202: EventSerializer},
        description="Delivery is asynchronous: see the endpoint's deliveries for the outcome.",
    )
    @action(detail=True, methods=["post"])
    def test(self, request, *args, **kwargs):
        endpoint = self.get_object()
        return self.write(
            lambda: services.endpoint_test(endpoint=endpoint),
            status=status.HTTP_202_ACCEPTED,
            render=lambda event: EventSerializer(event).data,
        )


@extend_schema_view(
    list=extend_schema(summary="List an endpoint's delivery attempts", tags=TAG),
    retrieve=extend_schema(summary="Read one delivery attempt", tags=TAG),
)
class DeliveryAttemptViewSet(ResourceViewSet):
    """Every attempt to deliver an event to the endpoint, newest first."""

    http_method_names = ["get", "post", "head", "options"]  # POST only on .../redeliver/ (urls.py routes it)
    serializer_class = AttemptSerializer
    filterset_class = AttemptFilterSet
    search_fields = ["event__id", "event__type", "error"]
    ordering_fields = ["created_at", "updated_at", "id", "attempt", "latency_ms"]
    action_permissions = {"redeliver": CHANGE}

    def endpoint(self) -> WebhookEndpoint:
        return get_object_or_404(selectors.endpoint_list(), pk=self.kwargs["endpoint_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.attempt_list(endpoint=None).none()
        return selectors.attempt_list(endpoint=self.endpoint())

    @extend_schema(
        summary="Send this attempt's event to the endpoint again now",
        tags=TAG,
        request=None,
        responses={202: RedeliverSerializer},
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, *args, **kwargs):
        attempt = self.get_object()
        return self.write(
            lambda: services.delivery_redeliver(attempt=attempt),
            status=status.HTTP_202_ACCEPTED,
            render=_redelivery,
        )


@extend_schema_view(
    list=extend_schema(
        summary="List events of the last 30 days",
        tags=TAG,
        parameters=[OpenApiParameter("type", description="Event type; several comma-separated.")],
    ),
    retrieve=extend_schema(summary="Read an event", tags=TAG),
)
class EventViewSet(ReadOnlyResourceViewSet):
    """The outbox, for polling and replay: the same bodies endpoints receive."""

    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    search_fields = ["id", "type"]
    ordering_fields = ["created_at", "id", "type"]
    lookup_value_regex = "evt_[0-9a-f]+"

    def get_queryset(self):
        return selectors.event_list()


def _redelivery(delivery) -> dict:
    body = {
        "delivery_id": delivery.pk,
        "event": delivery.event_id,
        "status": delivery.status,
        "next_attempt_at": delivery.next_attempt_at,
    }
    return RedeliverSerializer(body).data


# Not a ResourceViewSet: a fixed list from the registry (webhooks/events.py), no model behind it.
class EventTypeViewSet(viewsets.ViewSet):
    """The event types an endpoint can subscribe to, with an example body for each."""

    required_permissions = {"GET": ["webhooks.view_webhookendpoint"], "HEAD": ["webhooks.view_webhookendpoint"]}
    serializer_class = EventTypeSerializer
    pagination_class = PageNumberPagination  # the list envelope every list answers with

    @extend_schema(
        summary="List event types",
        tags=TAG,
        responses={200: EventTypeSerializer(many=True)},
        parameters=[OpenApiParameter("search", description="Part of the event type's name or description.")],
        description="Each type with an example body built by the same payload function its events use.",
    )
    def list(self, request, *args, **kwargs):
        search = (request.query_params.get("search") or "").lower()
        rows = [
            {"id": name, "name": name, "description": kind.description, "example": example_event(name)}
            for name, kind in EVENT_TYPES.items()
            if search in name or search in kind.description.lower()
        ]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(page)
