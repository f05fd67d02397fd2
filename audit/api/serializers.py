from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.models import AuditEvent


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "properties": {"before": {}, "after": {}},
            "required": ["before", "after"],
        },
        "description": "Each changed field's value before and after (null: none). Secrets: `[redacted]`.",
    }
)
class ChangesField(serializers.JSONField):
    def to_representation(self, value):
        return {field: {"before": pair[0], "after": pair[1]} for field, pair in value.items()}


class AuditEventSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="actor_user_id", allow_null=True, read_only=True)
    username = serializers.CharField(source="actor_username", read_only=True)
    changes = ChangesField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "resource",
            "object_id",
            "action",
            "user_id",
            "username",
            "token_prefix",
            "via",
            "transaction_id",
            "changes",
        ]
        read_only_fields = fields
