"""/users/, /groups/, /permissions/ and the built-in integration groups."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

from cashsheet.testing import unique
from cashsheet.testing.api import ResourceTests
from silos.members import services
from silos.members.builtin_groups import BUILTIN_GROUPS

READ_ONLY, SALES = "Integration (read-only)", "Integration (sales orders)"


class TestUsers(ResourceTests):
    url = "/api/v2/users/"
    model = "auth.user"
    list_queries, detail_queries = 4, 3

    @pytest.fixture
    def make(self):
        return lambda: services.user_create(username=unique("u").lower(), email="a@example.com", actor=None)

    @pytest.fixture
    def create_body(self):
        return {"username": unique("new").lower(), "email": "new@example.com"}

    @pytest.fixture
    def patch_body(self):
        return {"first_name": "Pat"}

    def search_term(self, obj):
        return obj.username

    def filters(self, obj):
        return {"username": obj.username, "is_active": "true"}


class TestGroups(ResourceTests):
    url = "/api/v2/groups/"
    model = "auth.group"
    list_queries, detail_queries = 4, 3

    @pytest.fixture
    def make(self):
        return lambda: services.group_create(name=unique("Group "), actor=None)

    @pytest.fixture
    def create_body(self):
        return {"name": unique("Buyers "), "permissions": []}

    @pytest.fixture
    def patch_body(self):
        return {"name": unique("Renamed ")}

    def search_term(self, obj):
        return obj.name

    def filters(self, obj):
        return {"name": obj.name}


class TestPermissions(ResourceTests):
    url = "/api/v2/permissions/"
    model = "auth.permission"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self):
        perms = iter(Permission.objects.filter(content_type__app_label="parties").order_by("pk"))
        return lambda: next(perms)

    def search_term(self, obj):
        return obj.codename

    def filters(self, obj):
        return {"app": obj.content_type.app_label, "codename": obj.codename}


def test_every_silo_has_the_builtin_groups(silo):
    ro = Group.objects.get(name=READ_ONLY)
    keys = {f"{p.content_type.app_label}.{p.codename}" for p in ro.permissions.select_related("content_type")}
    assert {"parties.view_customer", "sales.view_salesorder", "ledger.view_invoice", "inventory.view_item"} <= keys
    assert not [k for k in keys if not k.split(".")[1].startswith("view_")]  # reads only
    assert not [k for k in keys if k.startswith(("auth.", "members."))]  # never users or tokens
    sales = Group.objects.get(name=SALES)
    keys = {f"{p.content_type.app_label}.{p.codename}" for p in sales.permissions.select_related("content_type")}
    assert {"sales.add_salesorder", "sales.change_salesorder", "atp.run_atpcheck", "parties.view_customer"} <= keys
    assert "ledger.view_invoice" not in keys and "parties.add_customer" not in keys


def test_builtin_groups_are_refused_changes(api):
    ro = Group.objects.get(name=READ_ONLY)
    response = api.patch(f"/api/v2/groups/{ro.pk}/", {"permissions": ["parties.add_customer"]}, format="json")
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "name"
    body = api.get(f"/api/v2/groups/{ro.pk}/").json()
    assert body["builtin"] is True and "parties.add_customer" not in body["permissions"]
    assert api.post("/api/v2/groups/", {"name": READ_ONLY.upper()}, format="json").status_code == 409


def test_onboarding_script_creates_an_integration_user(api, silo):
    created = api.post(
        "/api/v2/users/", {"username": "crm-sync", "email": "it@example.com", "groups": [SALES]}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["groups"] == [SALES] and body["is_active"] is True and body["is_superuser"] is False
    link = body["password_set_url"]
    assert link.startswith(f"http://{silo.host}/password/set/")
    assert "password_set_url" not in api.get(f"/api/v2/users/{body['id']}/").json()
    # The link sets a password once.
    browser = Client(HTTP_HOST=silo.host)
    path = link.split(silo.host, 1)[1]
    form = browser.get(path, follow=True)
    assert form.status_code == 200 and "Set your password" in form.content.decode()
    new = "a long integration secret 9"
    done = browser.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/login/"
    assert get_user_model().objects.get(username="crm-sync").check_password(new)
    assert "used or has expired" in Client(HTTP_HOST=silo.host).get(path, follow=True).content.decode()
    # Deactivated, never deleted.
    assert api.delete(f"/api/v2/users/{body['id']}/").status_code == 405
    off = api.patch(f"/api/v2/users/{body['id']}/", {"is_active": False}, format="json")
    assert off.status_code == 200 and off.json()["is_active"] is False


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"username": ""}, "username", 400),
        ({"username": "has space"}, "username", 400),
        ({"username": "x" * 151}, "username", 400),
        ({"username": "ok-name", "groups": ["No Such Group"]}, "groups", 400),
        ({"username": "ok-name", "email": "not-an-email"}, "email", 400),
    ],
)
def test_bad_user_bodies_name_the_field(api, body, field, status):
    response = api.post("/api/v2/users/", body, format="json")
    assert response.status_code == status, response.content
    assert field in {e["field"] for e in response.json()["errors"]}


def test_duplicate_username_is_409_with_existing_id(api):
    first = api.post("/api/v2/users/", {"username": "dupe-user"}, format="json").json()
    again = api.post("/api/v2/users/", {"username": "DUPE-user"}, format="json")
    assert again.status_code == 409 and again.json()["existing_id"] == first["id"]


def test_no_one_grants_what_they_do_not_hold(make_user, client_for):
    manager = make_user("auth.view_user", "auth.add_user", "auth.change_user", "auth.view_group", "auth.add_group")
    client = client_for(manager)
    # A group with permissions the manager lacks cannot be assigned, nor created.
    assert (
        client.post("/api/v2/users/", {"username": unique("x").lower(), "groups": [SALES]}, format="json").status_code
        == 403
    )
    made = client.post(
        "/api/v2/groups/", {"name": unique("G"), "permissions": ["parties.view_customer"]}, format="json"
    )
    assert made.status_code == 403 and made.json()["errors"][0]["field"] == "permissions"
    assert (
        client.post(
            "/api/v2/users/", {"username": unique("y").lower(), "is_superuser": True}, format="json"
        ).status_code
        == 403
    )
    admin = make_user(superuser=True)
    assert client.patch(f"/api/v2/users/{admin.pk}/", {"is_active": False}, format="json").status_code == 403
    assert client.patch(f"/api/v2/users/{manager.pk}/", {"is_active": False}, format="json").status_code == 400


def test_group_permissions_round_trip(api):
    made = api.post(
        "/api/v2/groups/", {"name": "Buyers", "permissions": ["parties.view_vendor", "ledger.add_bill"]}, format="json"
    )
    assert made.status_code == 201 and made.json()["permissions"] == ["ledger.add_bill", "parties.view_vendor"]
    bad = api.patch(f"/api/v2/groups/{made.json()['id']}/", {"permissions": ["parties.fly_vendor"]}, format="json")
    assert bad.status_code == 400 and "parties.fly_vendor" in bad.json()["errors"][0]["message"]
    rows = api.get("/api/v2/permissions/", {"app": "parties", "resource": "vendor", "page_size": 200}).json()["results"]
    assert {r["action"] for r in rows} >= {"view", "add", "change"}
    assert {r["permission"] for r in rows} >= {"parties.view_vendor"}


def test_builtin_groups_ensure_is_idempotent_and_restores(silo):
    ro = Group.objects.get(name=READ_ONLY)
    ro.permissions.clear()
    services.builtin_groups_ensure()
    services.builtin_groups_ensure()
    assert Group.objects.filter(name__in=BUILTIN_GROUPS).count() == 2
    assert ro.permissions.filter(codename="view_customer").exists()
