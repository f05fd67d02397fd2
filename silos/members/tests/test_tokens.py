"""Token lifecycle: created, shown once, used, revoked, expired; stored hashed; admin sees all."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cashsheet.api.tokens import token_digest
from silos.members.models import ApiToken


def bearer(silo, raw: str) -> APIClient:
    client = APIClient(HTTP_HOST=silo.host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_token_created_shown_once_and_stored_hashed(api, silo):
    response = api.post("/api/v2/tokens/", {"name": "crm-sync"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    raw = body["token"]
    assert raw.startswith(body["prefix"] + "_")
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.digest == token_digest(raw)
    assert raw not in (stored.digest, stored.prefix)
    # Never again: neither the list nor the detail carries the secret.
    listed = api.get("/api/v2/tokens/").json()["results"]
    assert all("token" not in t for t in listed)
    assert raw not in api.get(f"/api/v2/tokens/{body['id']}/").content.decode()
    # And the new token works.
    assert bearer(silo, raw).get("/api/v2/customers/").status_code == 200


def test_last_used_at_moves_when_used(api, silo):
    raw = api.post("/api/v2/tokens/", {"name": "bi-tool"}, format="json").json()["token"]
    token = ApiToken.objects.get(digest=token_digest(raw))
    assert token.last_used_at is None
    assert bearer(silo, raw).get("/api/v2/customers/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and timezone.now() - token.last_used_at < timedelta(seconds=5)


def test_revoked_token_is_401_with_www_authenticate(api, silo):
    created = api.post("/api/v2/tokens/", {"name": "temp"}, format="json").json()
    client = bearer(silo, created["token"])
    assert client.get("/api/v2/customers/").status_code == 200
    revoked = api.post(f"/api/v2/tokens/{created['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    response = client.get("/api/v2/customers/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"] == "This token has been revoked."
    assert api.post(f"/api/v2/tokens/{created['id']}/revoke/").status_code == 409


def test_delete_revokes_too(api, silo):
    created = api.post("/api/v2/tokens/", {"name": "temp"}, format="json").json()
    assert api.delete(f"/api/v2/tokens/{created['id']}/").status_code == 204
    assert bearer(silo, created["token"]).get("/api/v2/customers/").status_code == 401


def test_expired_token_is_401(api, silo):
    soon = (timezone.now() + timedelta(hours=1)).isoformat()
    created = api.post("/api/v2/tokens/", {"name": "short", "expires_at": soon}, format="json").json()
    client = bearer(silo, created["token"])
    assert client.get("/api/v2/customers/").status_code == 200
    ApiToken.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v2/customers/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has expired."
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer a b", "Token abc", "Basic dXNlcjpwYXNz", "Bearer cs_00000000_not-a-real-token"],
)
def test_missing_malformed_unknown_tokens_are_401(silo, header):
    client = APIClient(HTTP_HOST=silo.host)
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v2/customers/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


def test_expiry_in_the_past_is_refused(api):
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    response = api.post("/api/v2/tokens/", {"name": "x", "expires_at": past}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "expires_at"


def test_users_see_only_their_tokens_and_admin_sees_all(make_user, client_for, api):
    alice = client_for(make_user(username="alice"))
    bob = client_for(make_user(username="bob"))
    alice_token = alice.post("/api/v2/tokens/", {"name": "alice-int"}, format="json").json()
    bob_names = {t["name"] for t in bob.get("/api/v2/tokens/").json()["results"]}
    assert "alice-int" not in bob_names
    assert bob.get(f"/api/v2/tokens/{alice_token['id']}/").status_code == 404
    assert bob.post(f"/api/v2/tokens/{alice_token['id']}/revoke/").status_code == 404
    # The silo admin lists and revokes every token of the silo.
    admin_names = {t["name"] for t in api.get("/api/v2/tokens/?page_size=200").json()["results"]}
    assert "alice-int" in admin_names
    assert api.post(f"/api/v2/tokens/{alice_token['id']}/revoke/").status_code == 200


def test_create_token_command_prints_raw_token_last(silo_alpha, capsys):
    from django.core.management import call_command
    from django.db import connection

    connection.set_schema_to_public()
    call_command("create_token", "--silo", "alpha", "--user", "admin", "--name", "cli")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    connection.set_tenant(silo_alpha)
    assert bearer(silo_alpha, raw).get("/api/v2/customers/").status_code == 200
