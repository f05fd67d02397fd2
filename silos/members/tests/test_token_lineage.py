"""A token never outlives what made it (issue 18): the token of the request, or the UI session."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from silos.members.models import ApiToken
from silos.members.services import token_create


def bearer(silo, raw: str) -> APIClient:
    client = APIClient(HTTP_HOST=silo.host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def short_lived(silo, admin_user):
    """A client whose token expires in one hour."""
    token, raw = token_create(user=admin_user, name="short", expires_at=timezone.now() + timedelta(hours=1))
    client = bearer(silo, raw)
    client.token = token
    return client


@pytest.mark.parametrize("field", ["user", "digest", "prefix", "revoked_at", "issued_by", "nmae"])
def test_unknown_fields_on_token_create_are_400(api, field):
    response = api.post("/api/v2/tokens/", {"name": "x", field: "y"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": field, "code": "invalid", "message": "Unknown field."}]
    assert not ApiToken.objects.filter(name="x").exists()


def test_a_child_token_without_expiry_expires_with_its_parent(short_lived, silo):
    body = short_lived.post("/api/v2/tokens/", {"name": "child"}, format="json").json()
    assert body["issued_by"] == short_lived.token.prefix
    child = ApiToken.objects.get(pk=body["id"])
    assert child.expires_at == short_lived.token.expires_at and child.issued_by_id == short_lived.token.pk


def test_a_child_token_cannot_be_asked_to_outlive_its_parent(short_lived):
    later = (timezone.now() + timedelta(days=30)).isoformat()
    response = short_lived.post("/api/v2/tokens/", {"name": "child", "expires_at": later}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "expires_at"
    assert body["latest_expires_at"] == short_lived.token.expires_at.isoformat()
    sooner = (timezone.now() + timedelta(minutes=10)).isoformat()
    assert short_lived.post("/api/v2/tokens/", {"name": "c", "expires_at": sooner}, format="json").status_code == 201


def test_a_child_token_stops_working_when_its_parent_expires(short_lived, silo):
    raw = short_lived.post("/api/v2/tokens/", {"name": "child"}, format="json").json()["token"]
    grandchild = bearer(silo, raw).post("/api/v2/tokens/", {"name": "grandchild"}, format="json").json()
    ApiToken.objects.filter(pk=short_lived.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    ApiToken.objects.filter(issued_by__isnull=False).update(expires_at=timezone.now() - timedelta(seconds=1))
    for client in (bearer(silo, raw), bearer(silo, grandchild["token"])):
        assert client.get("/api/v2/customers/").status_code == 401


def test_revoking_a_token_revokes_every_token_it_issued(api, silo):
    parent = api.post("/api/v2/tokens/", {"name": "parent"}, format="json").json()
    child = bearer(silo, parent["token"]).post("/api/v2/tokens/", {"name": "child"}, format="json").json()
    grandchild = bearer(silo, child["token"]).post("/api/v2/tokens/", {"name": "gc"}, format="json").json()
    sibling = api.post("/api/v2/tokens/", {"name": "sibling"}, format="json").json()
    assert api.post(f"/api/v2/tokens/{parent['id']}/revoke/").status_code == 200
    for raw in (child["token"], grandchild["token"]):
        response = bearer(silo, raw).get("/api/v2/customers/")
        assert response.status_code == 401 and response.json()["detail"] == "This token has been revoked."
    assert bearer(silo, sibling["token"]).get("/api/v2/customers/").status_code == 200


def test_a_token_made_in_the_ui_expires_as_chosen_not_with_the_session(silo, make_user):
    """The UI session ends 8 hours after sign-in; an integration's token must outlive it (issue 15's expiry
    choices), so a UI-made token has no issuer and expires when its creator chose."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    user = make_user(superuser=True)
    user.set_password("lineage-pass-1")
    user.save()
    browser = Client(HTTP_HOST=silo.host)
    browser.force_login(user)  # not through the sign-in form: sudo mode asks for the password
    body = {"name": "from-ui", "expiry": "365", "password": "lineage-pass-1"}
    assert browser.post("/profile/tokens/", body).status_code == 200
    token = ApiToken.objects.get(user=user, name="from-ui")
    assert token.issued_by is None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=365))) < timedelta(minutes=1)


def test_service_refuses_names_over_100_characters(silo, admin_user):
    from cashsheet.api.exceptions import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        token_create(user=admin_user, name="n" * 101)
    assert refused.value.field == "name"
