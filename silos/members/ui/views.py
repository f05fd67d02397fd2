"""Profile → API Tokens: the same services and selectors as /api/v2/tokens/.

The secret is rendered into the response of the POST that creates it and nowhere else: it is not kept in
the session, the database or a redirect (the response is `no-store`).

Expiry: a token made here is for an integration, so it outlives the 8-hour sign-in session and expires as
chosen (30/90/365 days, a date, or never); it has no issuing token. Because it outlives the session, making
one needs the password typed within the last 5 minutes (sudo mode, cashsheet/ui/sudo.py). A token made with
a token (POST /api/v2/tokens/) is capped at its parent's expiry and revoked with it; deactivating a user
revokes every token of theirs.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from cashsheet.api.exceptions import DomainError
from cashsheet.ui.shortcuts import form_service, is_htmx, no_store, render_page, ui_view
from cashsheet.ui.sudo import sudo_active, sudo_confirm
from silos.members import selectors, services
from silos.members.ui.forms import TokenFilterForm, TokenForm


def _context(request, form, created=None):
    rows = selectors.token_list(user=request.user).order_by("-created_at", "-id")
    sees_all = selectors.token_sees_all(user=request.user)
    filters = TokenFilterForm(request.GET or None)
    if sees_all and filters.is_valid() and filters.cleaned_data["user"]:
        rows = rows.filter(user__username__iexact=filters.cleaned_data["user"].strip())
    return {"form": form, "tokens": rows[:200], "created": created, "sees_all": sees_all, "filters": filters}


def _blank(request) -> TokenForm:
    return TokenForm(needs_password=not sudo_active(request))


@ui_view()
def tokens(request):
    """GET lists the tokens (every token of the silo for an admin, filterable by user); POST creates one."""
    if request.method == "POST":
        form = TokenForm(request.POST, needs_password=not sudo_active(request))
        if form.is_valid() and form.needs_password:
            refused = sudo_confirm(request, form.cleaned_data["password"])
            if refused:
                form.add_error("password", refused)
        if form.is_valid():
            made = form_service(
                form,
                lambda: services.token_create(
                    user=request.user, name=form.cleaned_data["name"], expires_at=form.cleaned_data["expires_at"]
                ),
            )
            if made is not None:
                token, raw = made
                context = _context(request, _blank(request), created={"token": token, "raw": raw})
                return no_store(render_page(request, "members/tokens.html", context, partial="members/_tokens.html"))
        return render_page(request, "members/tokens.html", _context(request, form), partial="members/_tokens.html")
    return render_page(
        request, "members/tokens.html", _context(request, _blank(request)), partial="members/_tokens.html"
    )


@ui_view(methods=("POST",))
def token_revoke(request, pk: int):
    """Revoke one of the tokens the user may see (their own; every token for an admin), and its issued ones."""
    token = get_object_or_404(selectors.token_list(user=request.user), pk=pk)
    try:
        services.token_revoke(token=token)
        messages.success(request, f"Revoked {token.name} ({token.prefix}…).")
    except DomainError as exc:
        messages.error(request, exc.detail)
    if not is_htmx(request):
        return redirect("ui-tokens")  # post/redirect/get: a reload does not revoke again
    return render_page(
        request, "members/tokens.html", _context(request, _blank(request)), partial="members/_tokens.html"
    )
