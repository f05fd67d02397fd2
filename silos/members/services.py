"""Writes for API tokens: the raw token exists only in the return value of token_create."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework import status

from cashsheet.api.exceptions import Conflict, DomainError, InvalidInput
from cashsheet.api.services import ensure_unique
from cashsheet.api.tokens import token_digest, token_generate
from silos.members.builtin_groups import BUILTIN_GROUPS, builtin_permission_keys
from silos.members.models import ApiToken, IdempotencyRecord

NAME_MAX = ApiToken._meta.get_field("name").max_length


class PermissionRefused(DomainError):
    """The actor may not grant or change this (403, naming the field)."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


def token_expiry_ceiling(*, issued_by: ApiToken | None = None, not_after: datetime | None = None) -> datetime | None:
    """The latest expiry a new token may have: that of the token (or the session) that makes it."""
    limits = [t for t in (issued_by.expires_at if issued_by else None, not_after) if t is not None]
    return min(limits) if limits else None


@transaction.atomic
def token_create(
    *,
    user: AbstractBaseUser,
    name: str,
    expires_at: datetime | None = None,
    issued_by: ApiToken | None = None,
    not_after: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns (token, raw secret). The secret is never stored or shown again.

    A token never outlives what made it: `issued_by` (the token of the API request that asks for it) or
    `not_after` (e.g. the expiry of the UI session that asks). Without `expires_at` the new token expires with
    the earlier of the two; a later `expires_at` is refused (400 naming it). Revoking `issued_by` revokes
    the new token too (token_revoke).
    """
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the token a descriptive name, e.g. crm-sync.", field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"Ensure this field has no more than {NAME_MAX} characters.", field="name")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("expires_at must be in the future.", field="expires_at")
    if issued_by is not None and not issued_by.is_active:
        raise InvalidInput("The issuing token is revoked or expired.", field="issued_by")
    ceiling = token_expiry_ceiling(issued_by=issued_by, not_after=not_after)
    if ceiling is not None:
        if ceiling <= now:
            raise InvalidInput("The session or token making this token has expired.", field="expires_at")
        if expires_at is None:
            expires_at = ceiling
        elif expires_at > ceiling:
            raise InvalidInput(
                f"expires_at may be no later than {ceiling.isoformat()}: a token cannot outlive the token or "
                "session that creates it.",
                field="expires_at",
                latest_expires_at=ceiling.isoformat(),
            )
    raw, prefix = token_generate()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=token_digest(raw), expires_at=expires_at, issued_by=issued_by
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token and every token issued through it (transitively); they answer 401 from the next
    request on. Revoking twice is a 409."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise Conflict("This token is already revoked.", revoked_at=locked.revoked_at.isoformat())
    now = timezone.now()
    locked.revoked_at = now
    locked.save(update_fields=["revoked_at", "updated_at"])
    frontier = [locked.pk]
    while frontier:
        frontier = list(ApiToken.objects.filter(issued_by__in=frontier).values_list("pk", flat=True))
        ApiToken.objects.filter(pk__in=frontier, revoked_at__isnull=True).update(revoked_at=now, updated_at=now)
    return locked


@transaction.atomic
def token_set_rate_limit(*, token: ApiToken, per_minute: int | None, burst: int | None) -> ApiToken:
    """Give one token its own limits; None for a number falls back to the silo's plan (or the defaults)."""
    for field, value in (("rate_limit_per_minute", per_minute), ("rate_limit_burst", burst)):
        if value is not None and value <= 0:
            raise InvalidInput("Must be a positive whole number.", field=field)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    locked.rate_limit_per_minute = per_minute
    locked.rate_limit_burst = burst
    locked.save(update_fields=["rate_limit_per_minute", "rate_limit_burst", "updated_at"])
    return locked


def idempotency_records_purge(*, batch_size: int = 5000) -> int:
    """Delete the current silo's expired Idempotency-Key outcomes, in batches; returns how many went."""
    deleted = 0
    while True:
        ids = list(
            IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        deleted += IdempotencyRecord.objects.filter(pk__in=ids).delete()[0]


# --- Users and groups (the silo's own auth tables) ----------------------------------------------------------
#
# A silo admin is a superuser of the silo. Anyone else managing users or groups holds auth's model
# permissions (add_user, change_user, add_group, change_group) and may grant only what they hold themselves:
# a group whose permissions they lack, or a permission they lack, is refused, so no one raises their own rights.


def _grant_check(*, actor, permissions) -> None:
    if actor is None or actor.is_superuser:
        return
    held = actor.get_all_permissions()
    missing = sorted({f"{p.content_type.app_label}.{p.codename}" for p in permissions} - held)
    if missing:
        raise PermissionRefused(
            f"You can grant only permissions you hold yourself; you lack {', '.join(missing[:5])}"
            + (" and more." if len(missing) > 5 else "."),
            field="permissions",
        )


def _groups_check(*, actor, groups) -> None:
    if actor is None or actor.is_superuser:
        return
    for group in groups:
        try:
            _grant_check(actor=actor, permissions=group.permissions.select_related("content_type"))
        except PermissionRefused:
            raise PermissionRefused(
                f"You can assign only groups whose permissions you hold; “{group.name}” grants more.",
                field="groups",
            ) from None


@transaction.atomic
def user_create(
    *,
    username: str,
    actor,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    groups=(),
    is_superuser: bool = False,
):
    """Create a user of the silo without a password: they set one through user_password_set_token's link."""
    User = get_user_model()
    username = (username or "").strip()
    field = User._meta.get_field("username")
    if not username:
        raise InvalidInput("This field is required.", field="username")
    if len(username) > field.max_length:
        raise InvalidInput(f"Ensure this field has no more than {field.max_length} characters.", field="username")
    try:
        field.run_validators(username)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="username") from None
    if is_superuser and not (actor is None or actor.is_superuser):
        raise PermissionRefused("Only a silo admin can make a silo admin.", field="is_superuser")
    groups = list(groups)
    _groups_check(actor=actor, groups=groups)
    ensure_unique(User.objects.filter(username__iexact=username), field="username", value=username, label="user")
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, is_superuser=is_superuser)
    user.set_unusable_password()
    user.save()
    user.groups.set(groups)
    return user


@transaction.atomic
def user_update(*, user, actor, **changes):
    """Change a user's email, names, groups, active flag or admin flag. Users are deactivated, never deleted:
    an inactive user cannot sign in, and deactivating revokes every token of theirs (and the tokens those
    issued), so reactivating the user later does not bring an old credential back to life."""
    allowed = {"email", "first_name", "last_name", "groups", "is_active", "is_superuser"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    privileged = actor is None or actor.is_superuser
    if locked.is_superuser and not privileged:
        raise PermissionRefused("Only a silo admin can change a silo admin.", field="is_superuser")
    if "is_superuser" in changes and changes["is_superuser"] != locked.is_superuser and not privileged:
        raise PermissionRefused("Only a silo admin can make a silo admin.", field="is_superuser")
    if actor is not None and actor.pk == locked.pk:
        if changes.get("is_active") is False:
            raise InvalidInput("You cannot deactivate yourself.", field="is_active")
        if changes.get("is_superuser") is False and locked.is_superuser:
            raise InvalidInput("You cannot remove your own admin rights.", field="is_superuser")
    groups = changes.pop("groups", None)
    deactivating = changes.get("is_active") is False and locked.is_active
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save()
    if deactivating:
        # A token issued through a token belongs to the same user, so this covers the lineage too.
        now = timezone.now()
        ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(revoked_at=now, updated_at=now)
    if groups is not None:
        groups = list(groups)
        current = set(locked.groups.values_list("pk", flat=True))
        _groups_check(actor=actor, groups=[g for g in groups if g.pk not in current])
        locked.groups.set(groups)
    return locked


def user_password_set_token(*, user) -> tuple[str, str]:
    """(uidb64, token) for the one-time password-set link (/password/set/<uidb64>/<token>/). The token is
    Django's password-reset token: it stops working once a password is set or after PASSWORD_RESET_TIMEOUT."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def _builtin_check(group) -> None:
    if group.name in BUILTIN_GROUPS:
        raise Conflict(
            f"“{group.name}” is built in and kept up to date by CashSheet; create a group of your own to adjust it.",
            field="name",
        )


def _group_name(name: str) -> str:
    name = (name or "").strip()
    limit = Group._meta.get_field("name").max_length
    if not name:
        raise InvalidInput("This field is required.", field="name")
    if len(name) > limit:
        raise InvalidInput(f"Ensure this field has no more than {limit} characters.", field="name")
    return name


@transaction.atomic
def group_create(*, name: str, permissions=(), actor) -> Group:
    name = _group_name(name)
    permissions = list(permissions)
    _grant_check(actor=actor, permissions=permissions)
    ensure_unique(Group.objects.filter(name__iexact=name), field="name", value=name, label="group")
    group = Group.objects.create(name=name)
    group.permissions.set(permissions)
    return group


@transaction.atomic
def group_update(*, group: Group, actor, name: str | None = None, permissions=None) -> Group:
    locked = Group.objects.select_for_update().get(pk=group.pk)
    _builtin_check(locked)
    if name is not None:
        name = _group_name(name)
        if name.lower() != locked.name.lower():
            if name in BUILTIN_GROUPS:
                raise Conflict(f"“{name}” is the name of a built-in group.", field="name")
            ensure_unique(Group.objects.filter(name__iexact=name), field="name", value=name, label="group")
        locked.name = name
        locked.save()
    if permissions is not None:
        permissions = list(permissions)
        current = set(locked.permissions.values_list("pk", flat=True))
        _grant_check(actor=actor, permissions=[p for p in permissions if p.pk not in current])
        locked.permissions.set(permissions)
    return locked


@transaction.atomic
def builtin_groups_ensure() -> list[Group]:
    """Create or bring up to date the built-in groups of the current silo (idempotent)."""
    perms = {(p.content_type.app_label, p.codename): p for p in Permission.objects.select_related("content_type")}
    out = []
    for name, spec in BUILTIN_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([perms[k] for k in builtin_permission_keys(spec, list(perms))])
        out.append(group)
    return out
