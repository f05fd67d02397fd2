"""Settings → Users and Settings → Groups: the same services and selectors as /users/ and /groups/."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cashsheet.ui.shortcuts import form_service, no_store, render_page, require_perm, ui_view
from silos.members import selectors, services
from silos.members.builtin_groups import BUILTIN_GROUPS
from silos.members.ui.forms import GroupForm, UserForm


def _password_link(request, user) -> str:
    uidb64, token = services.user_password_set_token(user=user)
    return request.build_absolute_uri(reverse("ui-password-set", args=[uidb64, token]))


@ui_view("auth.view_user", methods=("GET",))
def users(request):
    rows = selectors.user_list()
    query = request.GET.get("q", "").strip()[:150]
    if query:
        rows = rows.filter(username__icontains=query) | rows.filter(email__icontains=query)
    return render_page(request, "members/users.html", {"rows": rows[:500], "q": query}, partial="members/_users.html")


@ui_view("auth.add_user")
def user_new(request):
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        user = form_service(form, lambda: services.user_create(actor=request.user, **form.cleaned_data))
        if user is not None:
            context = {"person": user, "link": _password_link(request, user), "new": True}
            return no_store(render(request, "members/user_link.html", context))
    return render(request, "members/user_form.html", {"form": form, "person": None})


@ui_view("auth.view_user")
def user_detail(request, pk: int):
    person = get_object_or_404(selectors.user_list(), pk=pk)
    initial = {
        "email": person.email, "first_name": person.first_name, "last_name": person.last_name,
        "groups": list(person.groups.all()), "is_superuser": person.is_superuser,
    }  # fmt: skip
    form = UserForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST":
        require_perm(request, "auth.change_user")
        if form.is_valid():
            if form_service(form, lambda: services.user_update(user=person, actor=request.user, **form.cleaned_data)):
                messages.success(request, f"Saved {person.username}.")
                return redirect("ui-user", pk=person.pk)
    return render(request, "members/user_form.html", {"form": form, "person": person})


@ui_view("auth.change_user", methods=("POST",))
def user_active(request, pk: int):
    """Deactivate (sign-in and the user's tokens stop working) or reactivate a user."""
    person = get_object_or_404(selectors.user_list(), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_update(user=person, actor=request.user, is_active=active)
        messages.success(request, f"{person.username} is {'active again' if active else 'deactivated'}.")
    except services.DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("ui-user", pk=person.pk)


@ui_view("auth.change_user", methods=("POST",))
def user_password_link(request, pk: int):
    person = get_object_or_404(selectors.user_list(), pk=pk)
    if person.is_superuser and not request.user.is_superuser:
        messages.error(request, "Only a silo admin can reset a silo admin.")
        return redirect("ui-user", pk=person.pk)
    return no_store(
        render(request, "members/user_link.html", {"person": person, "link": _password_link(request, person)})
    )


@ui_view("auth.view_group", methods=("GET",))
def groups(request):
    return render(
        request, "members/groups.html", {"rows": selectors.group_list().order_by("name"), "builtin": BUILTIN_GROUPS}
    )


def _group_page(request, form, group, status=200):
    chosen = set()
    if form.is_bound:
        chosen = {str(v) for v in form.data.getlist("permissions")}
    elif group is not None:
        chosen = {str(p.pk) for p in group.permissions.all()}
    context = {
        "form": form, "group": group, "rows": selectors.permission_rows(), "chosen": chosen,
        "builtin": group is not None and group.name in BUILTIN_GROUPS,
        "description": BUILTIN_GROUPS.get(group.name, {}).get("description") if group else None,
        "members": get_user_model().objects.filter(groups=group).order_by("username") if group else [],
    }  # fmt: skip
    return render(request, "members/group_form.html", context, status=status)


@ui_view("auth.add_group")
def group_new(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = form_service(form, lambda: services.group_create(actor=request.user, **form.cleaned_data))
        if group is not None:
            messages.success(request, f"Created the group {group.name}.")
            return redirect("ui-group", pk=group.pk)
    return _group_page(request, form, None)


@ui_view("auth.view_group")
def group_detail(request, pk: int):
    group = get_object_or_404(Group.objects.prefetch_related("permissions"), pk=pk)
    form = GroupForm(request.POST or None, initial={"name": group.name})
    if request.method == "POST":
        require_perm(request, "auth.change_group")
        if form.is_valid():
            if form_service(form, lambda: services.group_update(group=group, actor=request.user, **form.cleaned_data)):
                messages.success(request, f"Saved the group {form.cleaned_data['name']}.")
                return redirect("ui-group", pk=group.pk)
    return _group_page(request, form, group)
