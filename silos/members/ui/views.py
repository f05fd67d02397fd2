"""The silo UI's Profile → API Tokens page. It calls the same services as the REST API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cashsheet.api.exceptions import DomainError
from silos.members import selectors, services


@login_required
def tokens(request):
    created = request.session.pop("members_new_token", None)
    return render(
        request,
        "members/tokens.html",
        {
            "tokens": selectors.token_list(user=request.user).order_by("-created_at")[:200],
            "created": created,
        },
    )


@login_required
@require_POST
def token_create(request):
    try:
        # A token cannot outlive the session that makes it (issue 15): it expires with the session at the latest.
        _, raw = services.token_create(
            user=request.user, name=request.POST.get("name", ""), not_after=request.session.get_expiry_date()
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("ui-tokens")
    # Shown once on the next page load, then gone from the session.
    request.session["members_new_token"] = raw
    return redirect("ui-tokens")


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(selectors.token_list(user=request.user), pk=pk)
    try:
        services.token_revoke(token=token)
        messages.success(request, f"Revoked {token.prefix}.")
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("ui-tokens")
