"""Django model permissions, applied to every endpoint: GET needs view, POST add, PATCH change."""

from rest_framework import permissions


class ModelPermissions(permissions.DjangoModelPermissions):
    """DRF's DjangoModelPermissions lets any authenticated user read; we require `view_*` too.

    A view that is not backed by one model (ATP, reports) sets ``required_permissions`` instead:
    a mapping of HTTP method to permission codenames (``"app_label.codename"``).
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        required = getattr(view, "required_permissions", None)
        if required is not None:
            return request.user.has_perms(required.get(request.method, []))
        action_perms = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if action_perms is not None:
            return request.user.has_perms(action_perms)
        return super().has_permission(request, view)


class IsAuthenticated(permissions.IsAuthenticated):
    """For endpoints every user may use on their own data (their tokens)."""
