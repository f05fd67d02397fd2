from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

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
from webhooks.events import EVENT_TYPES
from webhooks.examples import example_event
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
class WebhookEndpointViewSet(mixins.DestroyModelMixin, ResourceViewSet):
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    serializer_class = EndpointSerializer
    filterset_class = EndpointFilterSet
    search_fields = ["url", "description"]
    ordering_fields = ["created_at", "updated_at", "id", "url"]
    action_permissions = {"rotate_secret": CHANGE, "test": CHANGE}

    def get_queryset(self):
        return selectors.endpoint_list()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.endpoint_create(**serializer.validated_data)
        return Response(EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        serializer = self.get_serializer(endpoint, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(endpoint=endpoint, **serializer.validated_data)
        return Response(self.get_serializer(endpoint).data)

    def perform_destroy(self, instance):
        services.endpoint_delete(endpoint=instance)

    @extend_schema(
        summary="Rotate the signing secret",
        tags=TAG,
        request=None,
        responses={200: EndpointWithSecretSerializer},
        description="Returns the new secret once. For 24 hours payloads carry two v1 signatures, new and old.",
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args, **kwargs):
        endpoint = services.endpoint_rotate_secret(endpoint=self.get_object())
        return Response(EndpointWithSecretSerializer(endpoint).data)

    @extend_schema(
        summary="Send a ping event to this endpoint",
        tags=TAG,
        request=None,
        responses={202: EventSerializer},
        description="Delivery is asynchronous: see the endpoint's deliveries for the outcome.",
    )
    @action(detail=True, methods=["post"])
    def test(self, request, *args, **kwargs):
        event = services.endpoint_test(endpoint=self.get_object())
        return Response(EventSerializer(event).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(summary="List an endpoint's delivery attempts", tags=TAG),
    retrieve=extend_schema(summary="Read one delivery attempt", tags=TAG),
)
class DeliveryAttemptViewSet(ReadOnlyResourceViewSet):
    """Every attempt to deliver an event to the endpoint, newest first."""

    http_method_names = ["get", "post", "head", "options"]  # POST only on .../redeliver/
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
        delivery = services.delivery_redeliver(attempt=self.get_object())
        body = {
            "delivery_id": delivery.pk,
            "event": delivery.event_id,
            "status": delivery.status,
            "next_attempt_at": delivery.next_attempt_at,
        }
        return Response(RedeliverSerializer(body).data, status=status.HTTP_202_ACCEPTED)


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


class EventTypeViewSet(viewsets.ViewSet):
    """The event types an endpoint can subscribe to, with an example body for each."""

    required_permissions = {"GET": ["webhooks.view_webhookendpoint"], "HEAD": ["webhooks.view_webhookendpoint"]}
    serializer_class = EventTypeSerializer

    @extend_schema(summary="List event types", tags=TAG, responses={200: EventTypeSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        search = (request.query_params.get("search") or "").lower()
        rows = [
            {"id": name, "name": name, "description": description, "example": example_event(name)}
            for name, description in EVENT_TYPES.items()
            if search in name or search in description.lower()
        ]
        return Response({"count": len(rows), "next": None, "previous": None, "results": rows})
