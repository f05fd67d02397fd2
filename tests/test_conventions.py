"""The API conventions every resource shares: envelope, paging, ordering, errors, versions, schema."""

import json

import pytest
from rest_framework.test import APIClient

from parties.models import Customer


@pytest.fixture
def many_customers(silo):
    Customer.objects.bulk_create([Customer(code=f"BULK{i:03d}", name=f"Bulk customer {i:03d}") for i in range(230)])


def test_envelope_default_page_size_and_absolute_links(api, many_customers):
    body = api.get("/api/v2/customers/").json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 230 and len(body["results"]) == 25 and body["previous"] is None
    assert body["next"] == "http://alpha.localhost/api/v2/customers/?page=2"
    second = api.get(body["next"]).json()
    assert second["previous"].startswith("http://alpha.localhost/api/v2/customers/")
    assert {c["id"] for c in second["results"]}.isdisjoint({c["id"] for c in body["results"]})


def test_page_size_is_clamped_to_200(api, many_customers):
    body = api.get("/api/v2/customers/?page_size=1000").json()
    assert len(body["results"]) == 200
    assert "page_size=1000" in body["next"]
    assert len(api.get("/api/v2/customers/?page_size=50").json()["results"]) == 50


@pytest.mark.parametrize("query", ["page_size=0", "page_size=abc", "page=0", "page=x"])
def test_bad_paging_is_400(api, query):
    response = api.get(f"/api/v2/customers/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] in {"page", "page_size"}


def test_page_past_the_end_is_404_json(api, many_customers):
    response = api.get("/api/v2/customers/?page=99")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_ordering(api, many_customers):
    default = [c["code"] for c in api.get("/api/v2/customers/?page_size=3").json()["results"]]
    newest_first = list(Customer.objects.order_by("-created_at", "-id").values_list("code", flat=True)[:3])
    assert default == newest_first
    by_code = [c["code"] for c in api.get("/api/v2/customers/?ordering=code&page_size=3").json()["results"]]
    assert by_code == ["BULK000", "BULK001", "BULK002"]
    desc = [c["code"] for c in api.get("/api/v2/customers/?ordering=-code&page_size=2").json()["results"]]
    assert desc == ["BULK229", "BULK228"]
    bad = api.get("/api/v2/customers/?ordering=credit_limit")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "ordering"


def test_search(api, many_customers):
    assert api.get("/api/v2/customers/?search=customer 017").json()["count"] == 1


def test_error_shapes_are_json(api, silo):
    not_found = api.get("/api/v2/customers/999999/")
    assert not_found.status_code == 404 and not_found.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "No Customer matches the given query.",
    }
    unknown_route = api.get("/api/v2/no-such-resource/")
    assert unknown_route.status_code == 404 and unknown_route["Content-Type"] == "application/json"
    assert api.delete("/api/v2/customers/").json()["code"] == "method_not_allowed"
    form = api.post("/api/v2/customers/", "code=X&name=Y", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and form.json()["code"] == "unsupported_media_type"
    malformed = api.post("/api/v2/customers/", '{"code": "X",', content_type="application/json")
    assert malformed.status_code == 400 and malformed.json()["code"] == "parse_error"
    not_object = api.post("/api/v2/customers/", json.dumps([1, 2]), content_type="application/json")
    assert not_object.status_code == 400
    anonymous = APIClient(HTTP_HOST=silo.host).get("/api/v2/customers/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"


def test_v1_serves_the_same_resources_with_deprecation_headers(api, many_customers):
    v1 = api.get("/api/v1/customers/?page_size=5")
    v2 = api.get("/api/v2/customers/?page_size=5")
    assert v1.status_code == 200 and v1.json()["results"] == v2.json()["results"]
    assert v1["Deprecation"].startswith("@")
    assert "GMT" in v1["Sunset"]
    assert v1["Link"] == '<http://alpha.localhost/api/v2/docs/>; rel="successor-version"'
    assert "Deprecation" not in v2
    # Errors under v1 carry the headers too.
    assert "Deprecation" in api.get("/api/v1/customers/999999/")
    assert v1.json()["next"].startswith("http://alpha.localhost/api/v1/")


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_openapi_is_valid_and_complete(api, version):
    from openapi_spec_validator import validate

    response = api.get(f"/api/{version}/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    paths = spec["paths"]
    assert f"/api/{version}/customers/" in paths and f"/api/{version}/tokens/" in paths
    other = "v1" if version == "v2" else "v2"
    assert not any(p.startswith(f"/api/{other}/") for p in paths)
    create = paths[f"/api/{version}/customers/"]["post"]
    assert "examples" in create["requestBody"]["content"]["application/json"]
    assert "200" in paths[f"/api/{version}/customers/"]["get"]["responses"]


def test_docs_page_is_served(api):
    response = api.get("/api/v2/docs/")
    assert response.status_code == 200 and b"swagger" in response.content.lower()


def test_health_endpoints_on_any_host(silo):
    for host in (silo.host, "localhost", "unknown.localhost"):
        client = APIClient(HTTP_HOST=host)
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_api_root_lists_resources(api):
    body = api.get("/api/v2/").json()
    assert body["resources"]["customers"] == "http://alpha.localhost/api/v2/customers/"
    assert body["openapi"] == "http://alpha.localhost/api/v2/openapi.json"


@pytest.mark.parametrize(
    "value",
    ["0172-07-01T08:47:31-23:15", "0001-01-01T00:00:00+23:00", "2026-01-01T00:00:00+15:30", "not-a-date"],
)
def test_updated_since_out_of_range_is_400_not_500(api, value):
    # Found by schemathesis: PostgreSQL refuses offsets beyond ±15:59, which used to surface as a 500.
    for url in ("/api/v2/customers/", "/api/v2/receipts/", "/api/v2/events/"):
        response = api.get(url, {"updated_since": value})
        assert response.status_code in (200, 400), (url, value, response.status_code)
        if response.status_code == 400:
            assert response.json()["errors"][0]["field"] == "updated_since"
