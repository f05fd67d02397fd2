"""The customers resource: the pattern every other resource copies."""

from decimal import Decimal

import pytest

from cashsheet.testing.api import assert_permission_matrix
from parties.models import Customer
from parties.services import customer_create

URL = "/api/v2/customers/"


def test_create_read_update(api):
    payload = {
        "code": "ACME",
        "name": "Acme Steakhouse",
        "email": "ap" + "@" + "acme.example.com",
        "payment_terms_days": 15,
        "credit_limit": 25000,
        "external_ref": "crm-1",
        "billing_address": {"line1": "1 Main", "city": "Omaha", "region": "NE", "country": "US"},
    }
    created = api.post(URL, payload, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["credit_limit"] == "25000.00"  # Decimal as a JSON string
    assert set(body) >= {"id", "created_at", "updated_at", "external_ref", "active"}
    assert api.get(f"{URL}{body['id']}/").json()["name"] == "Acme Steakhouse"
    patched = api.patch(f"{URL}{body['id']}/", {"name": "Acme Group", "active": False}, format="json")
    assert patched.status_code == 200
    assert patched.json()["name"] == "Acme Group" and patched.json()["active"] is False
    assert patched.json()["updated_at"] > body["updated_at"]
    assert Customer.objects.get(pk=body["id"]).credit_limit == Decimal("25000.00")


def test_delete_and_put_are_405_and_change_nothing(api):
    customer = customer_create(code="KEEP", name="Keep me")
    for method in ("delete", "put"):
        response = getattr(api, method)(f"{URL}{customer.pk}/", {"code": "X", "name": "X"}, format="json")
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"
    assert Customer.objects.filter(pk=customer.pk, name="Keep me").exists()


def test_duplicate_code_or_external_ref_is_409_with_existing_id(api):
    first = customer_create(code="DUP", name="First", external_ref="crm-dup")
    for payload, field in (
        ({"code": "dup", "name": "Second"}, "code"),
        ({"code": "OTHER", "name": "Second", "external_ref": "crm-dup"}, "external_ref"),
    ):
        response = api.post(URL, payload, format="json")
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["existing_id"] == first.pk
        assert body["errors"][0]["field"] == field
    assert Customer.objects.count() == 1


def test_blank_external_ref_is_stored_as_null_so_many_may_be_unset(api):
    for code in ("N1", "N2"):
        assert api.post(URL, {"code": code, "name": code, "external_ref": ""}, format="json").status_code == 201
    assert Customer.objects.filter(external_ref__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "No code"}, "code"),
        ({"code": "  ", "name": "Blank code"}, "code"),
        ({"code": "E1", "name": "Bad email", "email": "not-an-email"}, "email"),
        ({"code": "E2", "name": "Neg", "credit_limit": "-1"}, "credit_limit"),
        ({"code": "E3", "name": "Terms", "payment_terms_days": -5}, "payment_terms_days"),
        ({"code": "E4", "name": "Addr", "billing_address": {"zip": "1"}}, "billing_address.zip"),
        ({"code": "E5", "name": "Country", "shipping_address": {"country": "USA"}}, "shipping_address.country"),
        ({"code": "E6", "name": "Typo", "credit_limt": "5"}, "credit_limt"),
        ({"code": "E7", "name": "Money", "credit_limit": "12.345"}, "credit_limit"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_changes_nothing(api, payload, field):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert field in {e["field"] for e in body["errors"]}
    assert all(e["message"] for e in body["errors"])
    assert Customer.objects.count() == 0


def test_filters_search_and_incremental_sync(api):
    customer_create(code="C1", name="Prairie Foods", email="buy" + "@" + "prairie.example.com", external_ref="crm-7")
    customer_create(code="C2", name="Harbor Grill", active=False)
    assert api.get(f"{URL}?active=false").json()["count"] == 1
    assert api.get(f"{URL}?external_ref=crm-7").json()["results"][0]["code"] == "C1"
    for term in ("prairie", "C1", "buy@", "crm-7"):
        assert api.get(f"{URL}?search={term}").json()["count"] == 1, term
    latest = api.get(URL).json()["results"][0]["updated_at"]
    since = api.get(URL, {"updated_since": latest}).json()
    assert [c["code"] for c in since["results"]] == ["C2"]
    bad = api.get(f"{URL}?updated_since=yesterday")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "updated_since"


def test_permission_matrix(make_user, client_for):
    customer = customer_create(code="PERM", name="Perm")
    assert_permission_matrix(
        make_user=make_user,
        client_for=client_for,
        app_label="parties",
        model="customer",
        list_url=URL,
        detail_url=f"{URL}{customer.pk}/",
        create_payload={"code": "PERM2", "name": "New"},
        patch_payload={"name": "Renamed"},
    )
