"""/users/, /groups/ and /permissions/: the silo's users and what they may do, for onboarding scripts.

Users are deactivated (`PATCH {"is_active": false}`), never deleted. A new user has no password: the
creation answer carries `password_set_url`, a one-time link (shown once) where they choose one. Groups
name permissions as "app_label.codename" strings, the ones /permissions/ lists.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action

from cashsheet.api.serializers import StrictFieldsMixin
from cashsheet.api.viewsets import ReadOnlyResourceViewSet, ResourceViewSet
from silos.members import selectors, services
from silos.members.builtin_groups import BUILTIN_GROUPS

User = get_user_model()


class GroupNamesField(serializers.ListField):
    """Groups by name, e.g. ["Integration (read-only)"]; an unknown name is a 400 naming it."""

    child = serializers.CharField()

    def to_representation(self, value):
        return sorted(g.name for g in value.all())

    def to_internal_value(self, data):
        names = super().to_internal_value(data)
        found = {g.name.lower(): g for g in Group.objects.all()}  # a silo has a handful; names match in any case
        missing = [n for n in names if n.lower() not in found]
        if missing:
            raise serializers.ValidationError(f"No such group: {', '.join(missing)}.")
        return [found[n.lower()] for n in names]


class PermissionKeysField(serializers.ListField):
    """Permissions as "app_label.codename", e.g. ["parties.view_customer"]; unknown keys are a 400."""

    child = serializers.CharField()

    def to_representation(self, value):
        return sorted(selectors.permission_key(p) for p in value.all())

    def to_internal_value(self, data):
        perms, missing = selectors.permissions_by_key(super().to_internal_value(data))
        if missing:
            raise serializers.ValidationError(f"No such permission: {', '.join(missing)} (see /permissions/).")
        return perms


class UserSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)
    groups = GroupNamesField(required=False, help_text='Group names, e.g. ["Integration (read-only)"].')
    is_superuser = serializers.BooleanField(
        required=False, help_text="A silo admin: every permission. Only a silo admin can grant or remove it."
    )

    class Meta:
        model = User
        fields = [
            "id", "username", "email", "first_name", "last_name", "is_active", "is_superuser", "groups",
            "created_at", "last_login",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "last_login"]
        extra_kwargs = {"username": {"validators": []}}  # the service checks (409 with existing_id)


class UserUpdateSerializer(UserSerializer):
    class Meta(UserSerializer.Meta):
        read_only_fields = [*UserSerializer.Meta.read_only_fields, "username"]


class UserCreatedSerializer(UserSerializer):
    password_set_url = serializers.CharField(
        read_only=True, help_text="One-time link where the user sets a password. Shown once; send it to them."
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "password_set_url"]


class PasswordLinkSerializer(serializers.Serializer):
    password_set_url = serializers.CharField(read_only=True)


class UserFilter(filters.FilterSet):
    group = filters.CharFilter(field_name="groups__name", lookup_expr="iexact", help_text="A group's name.")

    class Meta:
        model = User
        fields = ["is_active", "is_superuser", "username"]


def password_set_url(request, user) -> str:
    uidb64, token = services.user_password_set_token(user=user)
    return request.build_absolute_uri(reverse("ui-password-set", args=[uidb64, token]))


@extend_schema_view(
    list=extend_schema(summary="List users", tags=["users"]),
    retrieve=extend_schema(summary="Read a user", tags=["users"]),
    create=extend_schema(
        summary="Create a user",
        tags=["users"],
        responses={201: UserCreatedSerializer},
        description="The user has no password until they open `password_set_url` (shown once, valid 3 days, "
        "used once). Give an integration its own user with only the groups it needs, then issue its token.",
    ),
    partial_update=extend_schema(summary="Update or deactivate a user", tags=["users"], request=UserUpdateSerializer),
    password_link=extend_schema(
        summary="A new one-time password-set link",
        tags=["users"],
        request=None,
        responses={200: PasswordLinkSerializer},
    ),  # fmt: skip
)
class UserViewSet(ResourceViewSet):
    serializer_class = UserSerializer
    update_serializer_class = UserUpdateSerializer
    created_serializer_class = UserCreatedSerializer
    secret_fields = ("password_set_url",)
    filterset_class = UserFilter
    search_fields = ["username", "email", "first_name", "last_name"]
    ordering_fields = ["id", "username", "date_joined", "last_login"]
    ordering = ["username"]
    action_permissions = {"password_link": ["auth.change_user"]}

    def get_queryset(self):
        return selectors.user_list()

    def create_service(self, data):
        user = services.user_create(actor=self.request.user, **data)
        user.password_set_url = password_set_url(self.request, user)
        return user

    def update_service(self, instance, data):
        return services.user_update(user=instance, actor=self.request.user, **data)

    @action(detail=True, methods=["post"], url_path="password-link")
    def password_link(self, request, *args, **kwargs):
        user = self.get_object()
        if user.is_superuser and not request.user.is_superuser:
            raise services.PermissionRefused("Only a silo admin can reset a silo admin.", field="id")
        return self.write(lambda: {"password_set_url": password_set_url(request, user)}, render=lambda r: r)


class GroupSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    permissions = PermissionKeysField(required=False, help_text='e.g. ["parties.view_customer"] (/permissions/).')
    builtin = serializers.SerializerMethodField(help_text="Kept up to date by CashSheet; read-only.")
    user_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Group
        fields = ["id", "name", "permissions", "builtin", "user_count"]
        extra_kwargs = {"name": {"validators": []}}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_builtin(self, group) -> bool:
        return group.name in BUILTIN_GROUPS


@extend_schema_view(
    list=extend_schema(summary="List groups", tags=["users"]),
    retrieve=extend_schema(summary="Read a group", tags=["users"]),
    create=extend_schema(summary="Create a group", tags=["users"]),
    partial_update=extend_schema(summary="Rename a group or set its permissions", tags=["users"]),
)
class GroupViewSet(ResourceViewSet):
    serializer_class = GroupSerializer
    search_fields = ["name"]
    ordering_fields = ["id", "name"]
    ordering = ["name"]
    filterset_fields = ["name"]

    def get_queryset(self):
        return selectors.group_list()

    def create_service(self, data):
        return services.group_create(actor=self.request.user, **data)

    def update_service(self, instance, data):
        return services.group_update(group=instance, actor=self.request.user, **data)


class PermissionSerializer(serializers.ModelSerializer):
    permission = serializers.SerializerMethodField(help_text='"app_label.codename", as groups name it.')
    app = serializers.CharField(source="content_type.app_label", read_only=True)
    resource = serializers.CharField(source="content_type.model", read_only=True)
    action = serializers.SerializerMethodField(help_text="view, add, change, delete, or a special permission.")

    class Meta:
        model = Permission
        fields = ["id", "permission", "name", "app", "resource", "action"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_permission(self, perm) -> str:
        return selectors.permission_key(perm)

    @extend_schema_field(OpenApiTypes.STR)
    def get_action(self, perm) -> str:
        return selectors.permission_action(perm)


class PermissionFilter(filters.FilterSet):
    app = filters.CharFilter(field_name="content_type__app_label")
    resource = filters.CharFilter(field_name="content_type__model")

    class Meta:
        model = Permission
        fields = ["codename"]


@extend_schema_view(
    list=extend_schema(summary="List the permissions a group can grant", tags=["users"]),
    retrieve=extend_schema(summary="Read a permission", tags=["users"]),
)
class PermissionViewSet(ReadOnlyResourceViewSet):
    serializer_class = PermissionSerializer
    filterset_class = PermissionFilter
    search_fields = ["codename", "name"]
    ordering_fields = ["id", "codename"]
    ordering = ["content_type__app_label", "content_type__model", "codename"]

    def get_queryset(self):
        return selectors.permission_list()
