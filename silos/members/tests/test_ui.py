"""Profile → API Tokens in the silo UI: the same services as the API, the secret shown once and kept nowhere."""

import os
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cashsheet.api.tokens import token_digest
from silos.members.models import ApiToken
from silos.members.services import token_create

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


def new_token_in(html: str) -> str:
    return html.split('id="new-token">')[1].split("<")[0]


def test_created_token_is_shown_once_and_stored_nowhere(silo, make_user):
    user = make_user()
    browser = signed_in(silo, user)
    created = browser.post("/profile/tokens/", {"name": "bi-tool", "expiry": "30"})
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    raw = new_token_in(created.content.decode())
    token = ApiToken.objects.get(user=user, name="bi-tool")
    assert token.digest == token_digest(raw)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert raw not in str(dict(browser.session.items()))  # not waiting in the session
    assert raw not in browser.get("/profile/tokens/").content.decode()  # shown once only
    assert 'data-copy="new-token"' in created.content.decode()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "x" * 101, "expiry": "30"}, "name", "at most 100 characters"),
        ({"name": "", "expiry": "30"}, "name", "This field is required"),
        ({"name": "ok", "expiry": "date"}, "expires_on", "Choose the date"),
        ({"name": "ok", "expiry": "date", "expires_on": "2001-01-01"}, "expires_on", "after today"),
        ({"name": "ok", "expiry": "forever"}, "expiry", "Select a valid choice"),
    ],
)
def test_bad_token_forms_show_the_error_beside_the_field(silo, make_user, body, field, message):
    browser = signed_in(silo, make_user())
    response = browser.post("/profile/tokens/", body)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html and message in html
    if body["name"]:
        assert f'value="{body["name"]}"' in html  # what was typed is kept
    assert not ApiToken.objects.filter(name=body["name"] or "ok").exists()


def test_a_date_and_no_expiry(silo, make_user):
    browser = signed_in(silo, make_user())
    day = (timezone.now() + timedelta(days=10)).date()
    browser.post("/profile/tokens/", {"name": "dated", "expiry": "date", "expires_on": day.isoformat()})
    assert ApiToken.objects.get(name="dated").expires_at.date() == day
    browser.post("/profile/tokens/", {"name": "open-ended", "expiry": "never"})
    assert ApiToken.objects.get(name="open-ended").expires_at is None


def test_revoke_with_htmx_answers_the_panel_and_cascades(silo, make_user):
    user = make_user()
    browser = signed_in(silo, user)
    parent, _ = token_create(user=user, name="parent")
    child, _ = token_create(user=user, name="child", issued_by=parent)
    page = browser.get("/profile/tokens/").content.decode()
    assert 'data-confirm="Revoke the token “parent”' in page  # the browser asks first
    response = browser.post(f"/profile/tokens/{parent.pk}/revoke/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="messages"')
    assert "<html" not in html and f"Revoked parent ({parent.prefix}…)" in html
    child.refresh_from_db()
    assert child.revoked_at is not None
    again = browser.post(f"/profile/tokens/{parent.pk}/revoke/")  # no htmx: back to the page, with a message
    assert again.status_code == 302 and "already revoked" in browser.get("/profile/tokens/").content.decode()


def test_a_user_cannot_revoke_someone_elses_token(silo, make_user):
    token, _ = token_create(user=make_user(), name="owner-token")
    browser = signed_in(silo, make_user())
    assert browser.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert token.pk and ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert "owner-token" not in browser.get("/profile/tokens/").content.decode()


def test_an_admin_sees_every_token_filtered_by_user(silo, make_user):
    alice, bob = make_user(username="alice-ui"), make_user(username="bob-ui")
    token_create(user=alice, name="alice-sync")
    bob_token, _ = token_create(user=bob, name="bob-sync")
    admin = signed_in(silo, make_user(superuser=True))
    everything = admin.get("/profile/tokens/").content.decode()
    assert "alice-sync" in everything and "bob-sync" in everything and "Every token of this silo" in everything
    only_bob = admin.get("/profile/tokens/?user=BOB-ui").content.decode()
    assert "bob-sync" in only_bob and "alice-sync" not in only_bob
    assert admin.post(f"/profile/tokens/{bob_token.pk}/revoke/").status_code == 302
    bob_token.refresh_from_db()
    assert bob_token.revoked_at is not None


def test_creating_a_token_needs_the_password_typed_in_the_last_minutes(silo, make_user):
    """Sudo mode: a UI token outlives the session, so a session left open cannot mint one unasked."""
    user = make_user()
    user.set_password(PASSWORD)
    user.save()
    browser = Client(HTTP_HOST=silo.host, REMOTE_ADDR="10.{}.{}.{}".format(*os.urandom(3)))
    browser.force_login(user)  # a session that did not just type the password
    page = browser.get("/profile/tokens/").content.decode()
    assert 'name="password"' in page and 'autocomplete="current-password"' in page
    assert "not tied to your sign-in session" in page  # the expiry rule, stated on the page
    missing = browser.post("/profile/tokens/", {"name": "no-pass", "expiry": "30"}).content.decode()
    assert 'id="id_password_error"' in missing and "Type your password" in missing and 'value="no-pass"' in missing
    wrong = browser.post("/profile/tokens/", {"name": "bad-pass", "expiry": "30", "password": "nope"})
    assert 'id="id_password_error"' in wrong.content.decode() and "not your password" in wrong.content.decode()
    assert not ApiToken.objects.filter(user=user).exists()
    right = browser.post("/profile/tokens/", {"name": "good-pass", "expiry": "30", "password": PASSWORD})
    assert right.status_code == 200 and 'id="new-token"' in right.content.decode()
    assert ApiToken.objects.filter(user=user, name="good-pass").exists()
    # Within the next minutes the password is not asked again; once they pass, it is.
    assert 'name="password"' not in browser.get("/profile/tokens/").content.decode()
    browser.post("/profile/tokens/", {"name": "second", "expiry": "30"})
    assert ApiToken.objects.filter(user=user, name="second").exists()
    session = browser.session
    session["ui_sudo_at"] -= 301
    session.save()
    assert 'name="password"' in browser.get("/profile/tokens/").content.decode()
    browser.post("/profile/tokens/", {"name": "third", "expiry": "30"})
    assert not ApiToken.objects.filter(user=user, name="third").exists()


def test_wrong_sudo_passwords_count_as_failed_sign_ins(silo, make_user, settings):
    settings.CASHSHEET_LOGIN_MAX_FAILURES = 2
    settings.CASHSHEET_LOGIN_KEY_PREFIX = f"cs:test-sudo:{os.urandom(4).hex()}"
    user = make_user()
    user.set_password(PASSWORD)
    user.save()
    browser = Client(HTTP_HOST=silo.host, REMOTE_ADDR="10.{}.{}.{}".format(*os.urandom(3)))
    browser.force_login(user)
    for _ in range(2):
        browser.post("/profile/tokens/", {"name": "guess", "expiry": "30", "password": "guess"})
    locked = browser.post("/profile/tokens/", {"name": "guess", "expiry": "30", "password": PASSWORD})
    assert "Too many failed attempts" in locked.content.decode()
    assert not ApiToken.objects.filter(user=user).exists()


def test_deactivating_a_user_revokes_their_tokens_for_good(silo, make_user):
    from silos.members.services import user_update

    user = make_user(username="leaver-ui")
    parent, raw = token_create(user=user, name="leaver-sync")
    child, child_raw = token_create(user=user, name="leaver-child", issued_by=parent)
    other, other_raw = token_create(user=make_user(), name="stays")
    admin = signed_in(silo, make_user(superuser=True))
    assert admin.post(f"/settings/users/{user.pk}/active/", {"active": "0"}).status_code == 302
    for token in (parent, child):
        token.refresh_from_db()
        assert token.revoked_at is not None
    other.refresh_from_db()
    assert other.revoked_at is None
    user_update(user=user, actor=None, is_active=True)  # reactivated: the old credentials stay dead
    api = Client(HTTP_HOST=silo.host)
    assert api.get("/api/v2/customers/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert api.get("/api/v2/customers/", HTTP_AUTHORIZATION=f"Bearer {child_raw}").status_code == 401
