from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cashsheet.api.serializers import ResourceSerializer
from webhooks.models import DeliveryAttempt, Event, WebhookEndpoint


class EndpointSerializer(ResourceSerializer):
    url = serializers.CharField(max_length=2000)
    events = serializers.ListField(
        child=serializers.CharField(max_length=60),
        allow_empty=False,
        help_text='Event type names, or ["*"] for every type.',
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "active",
            "api_version",
            "disabled_at",
            "disabled_reason",
            "failing_since",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "disabled_at", "disabled_reason", "failing_since", "created_at", "updated_at"]


class EndpointWithSecretSerializer(EndpointSerializer):
    """The creation (and rotation) response: the only time the secret is shown."""

    secret = serializers.CharField(read_only=True, help_text="whsec_...; store it now, it is not shown again.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class EventSerializer(serializers.ModelSerializer):
    created = serializers.SerializerMethodField(help_text="Unix seconds.")
    updated_at = serializers.DateTimeField(source="created_at", read_only=True, help_text="Events never change.")

    class Meta:
        model = Event
        fields = ["id", "type", "api_version", "created", "created_at", "updated_at", "data"]

    @extend_schema_field(serializers.IntegerField())
    def get_created(self, obj) -> int:
        return int(obj.created_at.timestamp())


class EventTypeSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    example = serializers.JSONField(help_text="An example of the body an endpoint receives.")


class AttemptSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event_id", read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)
    delivery_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = DeliveryAttempt
        fields = [
            "id",
            "delivery_id",
            "event",
            "event_type",
            "attempt",
            "succeeded",
            "response_status",
            "latency_ms",
            "response_body",
            "error",
            "next_attempt_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RedeliverSerializer(serializers.Serializer):
    delivery_id = serializers.IntegerField()
    event = serializers.CharField()
    status = serializers.CharField()
    next_attempt_at = serializers.DateTimeField()
