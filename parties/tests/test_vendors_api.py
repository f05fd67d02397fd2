"""The vendors resource: the same shape and rules as customers."""

from cashsheet.testing.api import assert_permission_matrix
from parties.services import vendor_create

URL = "/api/v2/vendors/"


def test_vendors_behave_like_customers(api):
    body = {"code": "SANDHILLS", "name": "Sandhills Cattle", "external_ref": "ap-1", "address": {"city": "Ord"}}
    r = api.post(URL, body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["address"] == {"city": "Ord"}
    dup = api.post(URL, {"code": "sandhills", "name": "Again"}, format="json")
    assert dup.status_code == 409 and dup.json()["existing_id"] == r.json()["id"]
    ref = api.post(URL, {"code": "OTHER", "name": "Other", "external_ref": "ap-1"}, format="json")
    assert ref.status_code == 409 and ref.json()["errors"][0]["field"] == "external_ref"
    blank = api.post(URL, {"code": "B", "name": "Blank ref", "external_ref": ""}, format="json")
    assert blank.status_code == 201 and blank.json()["external_ref"] is None
    assert api.get(f"{URL}?search=sandhills").json()["count"] == 1
    assert api.patch(f"{URL}{r.json()['id']}/", {"active": False}, format="json").json()["active"] is False
    assert api.get(f"{URL}?active=false").json()["count"] == 1
    assert api.delete(f"{URL}{r.json()['id']}/").status_code == 405


def test_vendor_permissions(make_user, client_for):
    vendor = vendor_create(code="PERMV", name="Perm")
    assert_permission_matrix(
        make_user=make_user,
        client_for=client_for,
        app_label="parties",
        model="vendor",
        list_url=URL,
        detail_url=f"{URL}{vendor.pk}/",
        create_payload={"code": "PERMV2", "name": "New"},
        patch_payload={"name": "Renamed"},
    )
