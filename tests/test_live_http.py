"""Real HTTP to a real gunicorn: the silo boundary and the conventions as a client sees them."""

import pytest
import requests

pytestmark = pytest.mark.live


def test_token_works_at_its_silo_and_is_401_at_another(http_server, live_silo, live_admin_token):
    auth = {"Authorization": f"Bearer {live_admin_token}"}
    own = requests.get(f"{http_server.url}/api/v2/customers/", headers={"Host": live_silo.host, **auth}, timeout=10)
    assert own.status_code == 200 and own.headers["Content-Type"] == "application/json"
    other = requests.get(
        f"{http_server.url}/api/v2/customers/", headers={"Host": "alpha.localhost", **auth}, timeout=10
    )
    assert other.status_code == 401 and other.headers["WWW-Authenticate"].startswith("Bearer")
    public = requests.get(f"{http_server.url}/api/v2/customers/", headers={"Host": "localhost", **auth}, timeout=10)
    assert public.status_code == 404 and public.json()["code"] == "not_found"


def test_create_then_read_over_http(live_http):
    from cashsheet.testing import unique

    code = unique("HTTP")
    created = live_http.post("/api/v2/customers/", json={"code": code, "name": "Over the wire"})
    assert created.status_code == 201, created.text
    found = live_http.get("/api/v2/customers/", params={"code": code}).json()
    assert found["count"] == 1 and found["results"][0]["id"] == created.json()["id"]
    assert found["next"] is None


def test_nothing_under_api_answers_html(live_http):
    for method, path, kwargs in (
        ("get", "/api/v2/nope/", {}),
        ("get", "/api/v2/customers/abc/", {}),
        ("post", "/api/v2/customers/", {"data": "<xml/>", "headers": {"Content-Type": "application/xml"}}),
        ("post", "/api/v2/customers/", {"data": "{broken", "headers": {"Content-Type": "application/json"}}),
        ("delete", "/api/v2/customers/", {}),
        ("get", "/api/v1/customers/?page=abc", {}),
    ):
        response = getattr(live_http, method)(path, **kwargs)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert response.headers["Content-Type"] == "application/json", (path, response.text[:200])
        assert response.json()["status"] == response.status_code


def test_bad_host_header_is_json(http_server):
    response = requests.get(f"{http_server.url}/api/v2/", headers={"Host": "evil.example.org"}, timeout=10)
    assert response.status_code == 400 and response.json()["code"] == "bad_host"
