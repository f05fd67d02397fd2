"""The shell's own pages: sign-in (throttled), sign-out, password change, the dashboard, HTML error pages."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse_lazy
from django.utils import timezone

from cashsheet.api import views as api_views
from cashsheet.ui import throttle
from cashsheet.ui.dashboard import panels_for
from cashsheet.ui.nav import nav_for
from cashsheet.ui.shortcuts import ui_view
from cashsheet.ui.sudo import sudo_mark


class SignInView(auth_views.LoginView):
    """Django's sign-in with throttling (cashsheet.ui.throttle) and a session of fixed length.

    The session expires CASHSHEET_SESSION_SECONDS after sign-in, however active the user is (an absolute
    expiry, stored in the session): a token made in the UI is capped at that instant.
    """

    template_name = "ui/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")[:150]
        wait = throttle.lockout_seconds(request, username)
        if wait:
            form = self.get_form()
            form.is_valid()  # bind it so what was typed is kept; the verdict is the lock's
            form.errors.clear()
            minutes = max(1, -(-wait // 60))
            plural = "s" if minutes > 1 else ""
            form.add_error(None, f"Too many failed sign-ins. Try again in {minutes} minute{plural}.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.failure_record(self.request, self.request.POST.get("username", "")[:150])
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.success_record(self.request, form.get_user().get_username())
        response = super().form_valid(form)
        self.request.session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
        sudo_mark(self.request)  # the password was just typed
        return response


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("login")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; the session stays signed in (Django re-hashes it into the session)."""

    template_name = "ui/password_change.html"
    success_url = reverse_lazy("ui-dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password was changed.")
        return response


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link a new (or reset) user opens to choose a password; it works once, for 3 days."""

    template_name = "ui/password_set.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set. Sign in with it.")
        return response


@ui_view(methods=("GET",))
def dashboard(request):
    """The landing page after sign-in: the figures each app registers (cashsheet/ui/dashboard.py), then where to go."""
    return render(request, "ui/dashboard.html", {"shortcuts": nav_for(request.user), "panels": panels_for(request)})


# --- Errors: HTML for the UI, the API's JSON under /api/ -------------------------------------------------


def _html_error(request, status: int, title: str, detail: str):
    return render(request, "ui/error.html", {"status": status, "title": title, "detail": detail}, status=status)


def handler400(request, exception=None):
    if request.path.startswith("/api/"):
        return api_views.handler400(request, exception)
    return _html_error(request, 400, "Bad request", "The request could not be understood.")


def handler403(request, exception=None):
    if request.path.startswith("/api/"):
        return api_views.handler403(request, exception)
    return _html_error(
        request, 403, "Permission denied", "Your account does not have permission for this page or action."
    )


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return api_views.handler404(request, exception)
    return _html_error(request, 404, "Not found", "There is no such page, or it is not yours to see.")


def handler500(request):
    if request.path.startswith("/api/"):
        return api_views.handler500(request)
    # No layout, no user, no database: whatever failed (the database, say) must not fail the error page too.
    return HttpResponse(loader.get_template("ui/500.html").render({}), status=500)
