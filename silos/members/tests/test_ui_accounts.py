"""Settings → Users and Groups in process: permissions decide what is shown and what is allowed."""

import os

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from silos.members import services

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(silo, user) -> Client:
    user.set_password(PASSWORD)
    user.save()
    client = Client(HTTP_HOST=silo.host, REMOTE_ADDR="10.{}.{}.{}".format(*os.urandom(3)))
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_a_user_without_auth_permissions_sees_no_settings_and_gets_403(silo, make_user):
    browser = signed_in(silo, make_user())
    home = browser.get("/").content.decode()
    assert ">Users<" not in home and ">Groups<" not in home and ">Webhooks<" not in home
    for url in ("/settings/users/", "/settings/users/new/", "/settings/groups/", "/settings/webhooks/"):
        page = browser.get(url)
        assert page.status_code == 403 and "Permission denied" in page.content.decode(), url
    assert browser.post("/settings/users/new/", {"username": "sneaky"}).status_code == 403


def test_a_viewer_sees_users_but_no_write_buttons(silo, make_user):
    target = make_user(username="target-user")
    browser = signed_in(silo, make_user("auth.view_user", "auth.view_group"))
    page = browser.get("/settings/users/").content.decode()
    assert "target-user" in page and "Invite a user" not in page
    detail = browser.get(f"/settings/users/{target.pk}/").content.decode()
    assert "Deactivate" not in detail and ">Save<" not in detail
    assert browser.post(f"/settings/users/{target.pk}/", {"email": "x@example.com"}).status_code == 403
    assert browser.post(f"/settings/users/{target.pk}/active/", {"active": "0"}).status_code == 403


def test_admin_invites_edits_and_deactivates(silo, make_user):
    admin = signed_in(silo, make_user(superuser=True))
    ro = Group.objects.get(name="Integration (read-only)")
    bad = admin.post("/settings/users/new/", {"username": "has space", "email": "nope", "groups": [ro.pk]})
    html = bad.content.decode()
    assert bad.status_code == 200 and 'id="id_username_error"' in html and 'id="id_email_error"' in html
    assert 'value="has space"' in html  # kept as typed
    made = admin.post("/settings/users/new/", {"username": "bi-reader", "groups": [ro.pk]})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    assert "/password/set/" in made.content.decode()
    user = services.get_user_model().objects.get(username="bi-reader")
    assert list(user.groups.values_list("name", flat=True)) == ["Integration (read-only)"]
    dupe = admin.post("/settings/users/new/", {"username": "BI-reader"})
    assert "already exists" in dupe.content.decode()
    saved = admin.post(f"/settings/users/{user.pk}/", {"email": "bi@example.com", "first_name": "Bea"})
    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.email == "bi@example.com" and user.groups.count() == 0  # unchecked boxes remove groups
    admin.post(f"/settings/users/{user.pk}/active/", {"active": "0"})
    user.refresh_from_db()
    assert user.is_active is False


def test_groups_page_shows_readable_rows_and_refuses_builtin_changes(silo, make_user):
    admin = signed_in(silo, make_user(superuser=True))
    ro = Group.objects.get(name="Integration (read-only)")
    page = admin.get(f"/settings/groups/{ro.pk}/").content.decode()
    assert '<th scope="col">View</th><th scope="col">Add</th><th scope="col">Change</th>' in page
    assert "Customers <small" in page and "View Customers" in page and "built in" in page
    refused = admin.post(f"/settings/groups/{ro.pk}/", {"name": "Mine", "permissions": []})
    assert "is built in" in refused.content.decode()
    made = admin.post("/settings/groups/new/", {"name": "Buyers", "permissions": []})
    assert made.status_code == 302 and Group.objects.filter(name="Buyers").exists()


def test_a_group_manager_cannot_grant_more_than_they_hold(silo, make_user):
    from django.contrib.auth.models import Permission

    manager = make_user("auth.view_group", "auth.add_group", "auth.change_group")
    browser = signed_in(silo, manager)
    perm = Permission.objects.get(content_type__app_label="parties", codename="add_customer")
    page = browser.post("/settings/groups/new/", {"name": "Too much", "permissions": [perm.pk]})
    assert page.status_code == 200 and 'id="id_permissions_error"' in page.content.decode()
    assert not Group.objects.filter(name="Too much").exists()
