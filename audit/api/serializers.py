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
        "description": "Each changed field's value before and after (null: no value or no row). A secret "
        "(password hash, token digest, signing secret) is `[redacted]`: that it changed, never its value.",
    }
)
class ChangesField(serializers.JSONField):
    def to_representation(self, value):
        return {field: {"before": old, "after": new} for field, (old, new) in value.items()}


class AuditEventSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="actor_user_id", allow_null=True, read_only=True)
    username = serializers.CharField(source="actor_username", read_only=True)
    changes = ChangesField(read_only=True)  # AuditEvent.changes(), called by DRF

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
