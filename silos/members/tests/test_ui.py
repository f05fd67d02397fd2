"""Profile → API Tokens in the silo UI: the same services as the API, the secret shown once."""

from django.test import Client

from cashsheet.api.tokens import token_digest
from silos.members.models import ApiToken


def test_ui_creates_shows_once_and_revokes(silo, make_user):
    user = make_user(username="uiuser")
    user.set_password("correct horse battery")
    user.save()
    browser = Client(HTTP_HOST=silo.host)
    assert browser.get("/profile/tokens/").status_code == 302  # sign in first
    login = browser.post("/login/", {"username": "uiuser", "password": "correct horse battery"})
    assert login.status_code == 302

    created = browser.post("/profile/tokens/new/", {"name": "bi-tool"}, follow=True)
    page = created.content.decode()
    token = ApiToken.objects.get(user=user, name="bi-tool")
    raw = page.split('id="new-token">')[1].split("<")[0]
    assert token.digest == token_digest(raw)
    assert browser.get("/profile/tokens/").content.decode().count(raw) == 0  # shown once only

    browser.post(f"/profile/tokens/{token.pk}/revoke/", follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_ui_user_cannot_revoke_someone_elses_token(silo, make_user):
    from silos.members.services import token_create

    owner = make_user(username="owner")
    other = make_user(username="other")
    other.set_password("another good password")
    other.save()
    token, _ = token_create(user=owner, name="owner-token")
    browser = Client(HTTP_HOST=silo.host)
    browser.post("/login/", {"username": "other", "password": "another good password"})
    assert browser.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
