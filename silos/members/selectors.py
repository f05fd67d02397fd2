from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Prefetch, Q, QuerySet

from silos.members.models import ApiToken


def token_list(*, user) -> QuerySet[ApiToken]:
    """The tokens a user may see: their own, or every token of the silo for a silo admin."""
    tokens = ApiToken.objects.select_related("user", "issued_by")
    if token_sees_all(user=user):
        return tokens
    return tokens.filter(user=user)


def token_sees_all(*, user) -> bool:
    """A silo admin (or a holder of members.manage_all_apitokens) sees and may revoke every token."""
    return user.is_superuser or user.has_perm("members.manage_all_apitokens")


# --- Users, groups, permissions ---------------------------------------------------------------------------

# The apps whose permissions a silo's groups can grant (Django's own plumbing, sessions and the idempotency
# records are not something a person assigns).
PERMISSION_APPS = ("auth", "members", "parties", "inventory", "ledger", "atp", "sales", "operations", "webhooks")
_HIDDEN_MODELS = {("members", "idempotencyrecord"), ("auth", "permission")}
# The API erases almost nothing (records are corrected, deactivated or reversed): only these deletes mean anything.
_DELETES = {("webhooks", "delete_webhookendpoint")}
ACTIONS = ("view", "add", "change")


def user_list() -> QuerySet:
    return get_user_model().objects.prefetch_related("groups").order_by("username")


def group_list() -> QuerySet[Group]:
    return Group.objects.prefetch_related(
        Prefetch("permissions", queryset=Permission.objects.select_related("content_type"))
    ).annotate(user_count=Count("user", distinct=True))


def permission_list() -> QuerySet[Permission]:
    """The permissions a group may grant, in a stable order (app, model, codename)."""
    hidden = Q()
    for app, model in _HIDDEN_MODELS:
        hidden |= Q(content_type__app_label=app, content_type__model=model)
    for app, codename in _DELETES:
        hidden_deletes = Q(codename__startswith="delete_") & ~Q(content_type__app_label=app, codename=codename)
    return (
        Permission.objects.select_related("content_type")
        .filter(content_type__app_label__in=PERMISSION_APPS)
        .exclude(hidden)
        .exclude(hidden_deletes)
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


def permission_key(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def permission_action(permission: Permission) -> str:
    """view, add, change or delete for a model permission; the codename itself for any other."""
    model = permission.content_type.model
    for action in (*ACTIONS, "delete"):
        if permission.codename == f"{action}_{model}":
            return action
    return permission.codename


def permission_rows(permissions=None) -> list[dict]:
    """Permissions as readable rows: one per resource, with its view/add/change permissions and any other.

    [{"resource": "Customers", "app": "parties", "model": "customer",
      "actions": {"view": Permission, "add": ..., "change": ...}, "other": [Permission, ...]}]
    """
    rows: dict[tuple[str, str], dict] = {}
    for perm in permissions if permissions is not None else permission_list():
        ct = perm.content_type
        model_class = ct.model_class()
        label = str(model_class._meta.verbose_name_plural).capitalize() if model_class else ct.model
        row = rows.setdefault(
            (ct.app_label, ct.model),
            {"resource": label, "app": ct.app_label, "model": ct.model, "actions": {}, "other": []},
        )
        action = permission_action(perm)
        if action in ACTIONS:
            row["actions"][action] = perm
        else:
            row["other"].append(perm)
    return sorted(rows.values(), key=lambda r: (r["app"], r["resource"]))


def permissions_by_key(keys) -> tuple[list[Permission], list[str]]:
    """(the permissions named 'app.codename', the keys that name none)."""
    wanted = set(keys)
    found = {permission_key(p): p for p in permission_list() if permission_key(p) in wanted}
    return list(found.values()), sorted(wanted - set(found))


def deleted_object_list() -> QuerySet:
    """Tombstones of erased rows (see DeletedObject), for incremental syncs."""
    from silos.members.models import DeletedObject

    return DeletedObject.objects.all()
