"""HTTP details an integration meets only through a real server: chunked bodies, hosts that are no silo's.

Over real HTTP to gunicorn (the suite's `http_server`), since both depend on what the WSGI server hands
Django: gunicorn de-chunks a `Transfer-Encoding: chunked` body but gives no CONTENT_LENGTH, so Django would
read it as empty; and CSRF applies to a POST without a token before any view runs.
"""

from __future__ import annotations

import json

import pytest
import requests

from cashsheet.testing import unique

pytestmark = pytest.mark.live


def _chunks(body: dict):
    raw = json.dumps(body).encode()
    yield raw[:10]  # a generator body makes requests send Transfer-Encoding: chunked, no Content-Length
    yield raw[10:]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_chunked_request_body_is_411_in_json(live_http, method):
    created = live_http.post("/api/v2/customers/", json={"code": unique("CH"), "name": "Sized"})
    assert created.status_code == 201, created.text  # the control: the same request with Content-Length
    url = "/api/v2/customers/" if method == "POST" else f"/api/v2/customers/{created.json()['id']}/"
    response = live_http.request(
        method,
        url,
        data=_chunks({"code": unique("CH"), "name": "Chunked"}),
        headers={"Content-Type": "application/json"},
    )
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in response.request.headers
    assert response.status_code == 411, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == 411 and body["code"] == "length_required" and "Content-Length" in body["detail"]


@pytest.mark.parametrize("host", ["nosuchsilo.localhost", "localhost"])
@pytest.mark.parametrize("authorization", [None, "Bearer cs_notatoken"])
def test_a_post_on_a_host_that_is_no_silos_is_json_404_like_get(http_server, host, authorization):
    headers = {"Host": host, **({"Authorization": authorization} if authorization else {})}
    for method in ("GET", "POST", "PATCH"):
        # A browser-like POST: a form body and a cookie, no CSRF token (Django's CSRF refusal would be a 403 page).
        response = requests.request(
            method,
            f"{http_server.url}/api/v2/customers/",
            headers={**headers, "Cookie": "sessionid=x"},
            data={"code": "X"} if method != "GET" else None,
            timeout=30,
        )
        assert response.status_code == 404, (method, response.status_code, response.text[:200])
        assert response.headers["Content-Type"] == "application/json", method
        assert response.json()["code"] == "not_found", method
