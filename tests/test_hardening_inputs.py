"""Inputs that used to answer 500 (or HTML): each is a 4xx in the JSON error shape now (issue 18)."""

from __future__ import annotations

import json
import time

import pytest
from rest_framework.test import APIClient

from cashsheet.api.middleware import SiloMiddleware, _SiloCache


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # These tests send hundreds of requests a second with one token: the limiter is tested elsewhere.
    settings.CASHSHEET_RATELIMIT_ENABLED = False


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == status
    return body


def _list_paths(api) -> list[str]:
    """Every GET list operation of the v2 schema (no path parameters)."""
    spec = api.get("/api/v2/openapi.json").json()
    return [
        (path, [p["name"] for p in op.get("parameters", []) if p["in"] == "query"])
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method == "get" and "{" not in path and not path.endswith(("openapi.json", "docs/", "/api/v2/"))
    ]


@pytest.mark.parametrize("raw", ["\xa0", "\x85", " ", "\t", "Bearer\xa0x"])
def test_authorization_with_unicode_whitespace_is_401(silo, raw):
    client = APIClient(HTTP_HOST=silo.host)
    body = _json_error(client.get("/api/v2/customers/", HTTP_AUTHORIZATION=raw), 401)
    assert body["code"] == "authentication_failed"


def test_unicode_digits_in_paging_are_400_on_every_list(api):
    paths = _list_paths(api)
    assert len(paths) > 15
    for path, params in paths:
        for name in ("page", "page_size"):
            if name not in params:
                continue
            for digit in ("²", "٣", "１"):
                response = api.get(path, {name: digit})
                body = _json_error(response, 400)
                assert body["errors"][0]["field"] == name, (path, body)


@pytest.mark.parametrize("account", ["²", "٣", "99999999999999999999", "1" * 40])
def test_general_ledger_account_with_odd_digits_is_400(api, account):
    body = _json_error(api.get("/api/v2/reports/general-ledger/", {"account": account}), 400)
    assert body["errors"][0]["field"] == "account"


@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_id_or_code_filters_with_odd_digits_match_nothing(api, value):
    for path, param in (("/api/v2/stock-movements/", "facility"), ("/api/v2/cutting-patterns/", "facility")):
        response = api.get(path, {param: value})
        assert response.status_code == 200 and response.json()["count"] == 0


def test_nul_in_any_query_parameter_is_400_naming_it(api):
    """Every query parameter of every list, with a NUL (PostgreSQL text cannot hold one)."""
    checked = 0
    for path, params in _list_paths(api):
        for name in params:
            response = api.get(path, {name: "a\x00b"})
            body = _json_error(response, 400)
            assert body["errors"][0]["field"] == name
            checked += 1
    assert checked > 100
    body = _json_error(api.get("/api/v2/events/?type=%00"), 400)
    assert body["errors"] == [
        {"field": "type", "code": "null_characters_not_allowed", "message": body["errors"][0]["message"]}
    ]
    _json_error(api.get("/api/v2/events/evt_%00/"), 400)
    _json_error(api.get("/api/v2/customers/?%00=1"), 400)


def test_nul_in_a_json_body_is_400_naming_the_field(api):
    body = _json_error(api.post("/api/v2/customers/", {"code": "N1", "name": "a\x00b"}, format="json"), 400)
    assert body["errors"][0]["field"] == "name"
    nested = {"code": "N2", "name": "ok", "billing_address": {"city": "x\x00"}}
    body = _json_error(api.post("/api/v2/customers/", nested, format="json"), 400)
    assert body["errors"][0]["field"] == "billing_address.city"
    body = _json_error(api.post("/api/v2/webhook-endpoints/", {"events": ["\x00"]}, format="json"), 400)
    assert body["errors"][0]["field"] == "events.0"


def test_lone_surrogates_in_a_json_body_are_400_naming_the_field(api):
    # Found by the hostile sweep: a choice field quoting "\ud800" back could not encode its own error (500).
    raw = b'{"imps_code": "112A", "description": "x", "species": "\\ud800"}'
    body = _json_error(api.post("/api/v2/items/", data=raw, content_type="application/json"), 400)
    assert body["errors"][0] == {
        "field": "species",
        "code": "surrogate_characters_not_allowed",
        "message": "Surrogate characters are not allowed.",
    }
    raw = b'{"kind": "receipt", "memo": {"\\udfff": 1}}'
    body = _json_error(api.post("/api/v2/stock-movements/", data=raw, content_type="application/json"), 400)
    assert body["errors"][0]["field"] == "memo.\\udfff"


@pytest.mark.parametrize("depth", [40, 10_000, 100_000])
def test_deeply_nested_json_is_400(api, depth):
    for raw in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        response = api.post("/api/v2/customers/", data=raw, content_type="application/json")
        body = _json_error(response, 400)
        assert "levels deep" in json.dumps(body)


def test_reasonably_nested_json_still_parses(api):
    response = api.post(
        "/api/v2/customers/",
        {"code": "NEST1", "name": "Nested", "billing_address": {"line1": "1 Main St", "country": "US"}},
        format="json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_paths_are_json_404_even_under_debug(api, settings, debug):
    settings.DEBUG = debug
    for path in ("/api/v2/nope/", "/api/v9/customers/", "/api/", "/api/v2/customers/abc/x/"):
        _json_error(api.get(path), 404)
    # A write without the trailing slash: a JSON 404 that says so (no redirect, no DEBUG 500).
    body = _json_error(api.post("/api/v2/customers", {"code": "X"}, format="json"), 404)
    assert body["suggestion"] == "/api/v2/customers/"


def test_silo_hosts_are_matched_case_insensitively_and_with_a_trailing_dot(api, silo):
    for host in (silo.host.upper(), f"{silo.host}.", f"{silo.host.title()}.:80", f"www.{silo.host}"):
        response = api.get("/api/v2/customers/", HTTP_HOST=host)
        assert response.status_code == 200, (host, response.content[:200])


def test_silo_cache_is_bounded_and_expires(settings):
    settings.CASHSHEET_SILO_CACHE_SIZE = 3
    settings.CASHSHEET_SILO_CACHE_SECONDS = 0.2
    cache = _SiloCache()
    for i in range(10):
        cache.put(f"h{i}.localhost", i)
    assert len(cache) == 3 and cache.get("h0.localhost") == (False, None) and cache.get("h9.localhost") == (True, 9)
    cache.get("h7.localhost")  # recently used: survives the next insert
    cache.put("h10.localhost", 10)
    assert cache.get("h7.localhost") == (True, 7) and cache.get("h8.localhost") == (False, None)
    time.sleep(0.25)
    assert cache.get("h9.localhost") == (False, None)


def test_a_renamed_silo_is_seen_within_the_cache_ttl(api, silo, settings):
    from silos.models import Domain

    settings.CASHSHEET_SILO_CACHE_SECONDS = 0.3
    SiloMiddleware.forget()
    try:
        assert api.get("/api/v2/customers/").status_code == 200
        Domain.objects.filter(tenant=silo).update(domain="renamed.localhost")
        time.sleep(0.35)
        _json_error(api.get("/api/v2/customers/"), 404)
        assert api.get("/api/v2/customers/", HTTP_HOST="renamed.localhost").status_code == 200
    finally:
        SiloMiddleware.forget()


def test_unknown_hosts_do_not_grow_the_cache(api, settings):
    settings.CASHSHEET_SILO_CACHE_SIZE = 50
    SiloMiddleware.forget()
    try:
        for i in range(200):
            api.get("/api/v2/", HTTP_HOST=f"x{i}.localhost")
        assert len(SiloMiddleware.cache) <= 50
    finally:
        SiloMiddleware.forget()


@pytest.mark.live
def test_long_urls_and_headers_are_json_from_django_not_gunicorn_html(live_http):
    long_url = "/api/v2/customers/?search=" + "x" * 9000
    body = live_http.get(long_url)
    assert body.status_code == 414 and body.json()["code"] == "uri_too_long"
    big = live_http.get("/api/v2/customers/", headers={"X-Big": "y" * 9000})
    assert big.status_code == 431 and big.json()["code"] == "headers_too_large"
    many = live_http.get("/api/v2/customers/", headers={f"X-H{i}": "1" for i in range(120)})
    assert many.status_code == 431 and many.headers["Content-Type"] == "application/json"
    assert live_http.get("/api/v2/customers/", headers={"X-Fine": "z" * 4000}).status_code == 200


def test_no_app_code_parses_numbers_with_isdigit():
    """str.isdigit() accepts "²", which int() refuses (a 500): ids come through cashsheet.api.filters.parse_id."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        # Hidden folders (.venv, .embedded, the clients' tool venv) and node_modules hold others' code.
        hidden = any(part.startswith(".") or part == "node_modules" for part in path.relative_to(root).parts[:-1])
        if hidden or "/tests/" in f"/{rel}" or "/migrations/" in rel:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ".isdigit()" in line and ".isascii() and" not in line and not line.lstrip().startswith(("#", '"')):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    offenders = [o for o in offenders if not o.startswith(("cashsheet/api/filters.py", "cashsheet/testing/fuzz.py"))]
    assert not offenders, "\n".join(offenders)
