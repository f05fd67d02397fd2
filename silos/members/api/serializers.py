from rest_framework import serializers

from cashsheet.api.serializers import StrictFieldsMixin
from silos.members.models import ApiToken, DeletedObject


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)
    issued_by = serializers.CharField(
        source="issued_by.prefix",
        read_only=True,
        allow_null=True,
        help_text="Prefix of the token whose request created this one; it cannot outlive that token.",
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "user",
            "active",
            "created_at",
            "updated_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
            "issued_by",
        ]
        read_only_fields = fields


class ApiTokenCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """Unknown fields (`user`, `digest`, `prefix`, ...) are refused (400), like every other resource."""

    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Defaults to (and may not be later than) the expiry of the token making the request.",
    )


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """The creation response: the only time the secret is ever shown."""

    token = serializers.CharField(read_only=True, help_text="The secret. Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class DeletedObjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeletedObject
        fields = ["id", "resource", "object_id", "deleted_at", "created_at", "updated_at"]
        read_only_fields = fields
