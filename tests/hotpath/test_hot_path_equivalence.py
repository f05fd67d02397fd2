"""The list hot path's speed-ups change no response byte.

Every list endpoint of a demo-seeded silo is requested twice: with the hot path as shipped (orjson renderer,
serializer fields built once, FilterSets sharing their form class and copying filters shallowly, token API
calls skipping the browser middleware) and with all four switched back to stock DRF / django-filter / Django.
Status, body bytes and every header except the rate limiter's must be identical.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import get_resolver
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from cashsheet.api import filters as api_filters
from cashsheet.api import middleware as api_middleware
from cashsheet.api.renderers import ApiJSONRenderer
from cashsheet.api.serializers import CachedFieldsMixin
from silos.services import demo_seed_steps

VOLATILE = {"X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit", "Retry-After"}


def list_paths() -> list[str]:
    """/api/v2/<resource>/ for every router list route of the silo URLconf."""
    paths = []
    for pattern in get_resolver("cashsheet.urls_tenant").url_patterns:
        if "api/" not in str(pattern.pattern):
            continue
        stack = [(pattern, "api/v2/")]
        while stack:
            node, prefix = stack.pop()
            for child in getattr(node, "url_patterns", []):
                route = str(child.pattern)
                if hasattr(child, "url_patterns"):
                    stack.append((child, prefix + route))
                elif (child.name or "").endswith("-list") and "<" not in prefix + route:
                    paths.append("/" + prefix + route.lstrip("^").rstrip("$"))
    return sorted(set(paths))


def stock_stack(monkeypatch) -> None:
    """Switch every hot-path change back to the libraries' own code."""
    monkeypatch.setattr(ApiJSONRenderer, "render", JSONRenderer.render)
    monkeypatch.delattr(CachedFieldsMixin, "get_fields")
    monkeypatch.delattr(CachedFieldsMixin, "to_representation")
    monkeypatch.delattr(api_filters.ResourceFilterSet, "__init__")
    monkeypatch.delattr(api_filters.ResourceFilterSet, "get_form_class")
    monkeypatch.setattr(api_middleware, "is_token_api_call", lambda request: False)


def snapshot(api, paths):
    out = {}
    for path in paths:
        for query in ("", "?page_size=200", "?updated_since=2000-01-01T00:00:00Z&ordering=-id"):
            response = api.get(path + query)
            headers = {k: v for k, v in response.headers.items() if k not in VOLATILE}
            out[path + query] = (response.status_code, response.content, headers)
    return out


@pytest.fixture
def demo_silo(silo):
    for _, _, seed in demo_seed_steps():
        seed(silo)
    return silo


def test_every_list_endpoint_is_byte_identical_to_stock_drf(demo_silo, api, monkeypatch, settings):
    settings.CASHSHEET_RATELIMIT_ENABLED = False  # ~100 requests here: the limiter is not under test
    paths = list_paths()
    assert len(paths) >= 15, paths  # the router's resources, not a parsing accident
    fast = snapshot(api, paths)
    stock_stack(monkeypatch)
    stock = snapshot(api, paths)
    assert fast.keys() == stock.keys()
    non_empty = 0
    for key in fast:
        assert fast[key][0] == stock[key][0], key
        assert fast[key][1] == stock[key][1], key
        assert fast[key][2] == stock[key][2], key
        if fast[key][0] == 200 and json.loads(fast[key][1]).get("count"):
            non_empty += 1
    assert non_empty >= 10  # the demo seed fills most resources: rows were compared, not empty pages


def test_money_stays_a_decimal_string(demo_silo, api):
    body = api.get("/api/v2/invoices/").json()
    assert body["results"], "demo seed has invoices"
    total = body["results"][0]["total"]
    assert isinstance(total, str) and Decimal(total) >= 0


@pytest.mark.parametrize(
    "data",
    [
        {"when": __import__("datetime").datetime(2026, 3, 14, 12, 0, 0, 123456, tzinfo=__import__("datetime").UTC)},
        {"d": __import__("datetime").date(2026, 3, 14), "x": Decimal("1.50"), "u": "caf\u00e9 \u2028 \u2029 <>&"},
        {"big": 2**70, "nested": [{"a": None, "b": True, 1: "int key"}], "t": (1, 2)},
        {"f": [0.1, 1e-05, 1e16, 64.0]},
        None,
    ],
)
def test_orjson_renderer_decodes_like_drf(data):
    fast, stock = ApiJSONRenderer().render(data), JSONRenderer().render(data)
    if data is None:
        assert fast == stock == b""
        return
    assert json.loads(fast) == json.loads(stock)
    if "f" not in data:  # floats: same value, orjson may spell an exponent differently
        assert fast == stock


def test_pretty_printing_is_drfs():
    data = {"a": [1, 2]}
    accepted = "application/json; indent=4"
    assert ApiJSONRenderer().render(data, accepted) == JSONRenderer().render(data, accepted)


class _Row:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def test_cached_fields_are_private_to_each_serializer_instance():
    class S(CachedFieldsMixin, serializers.Serializer):
        name = serializers.CharField()
        when = serializers.DateTimeField(required=False, allow_null=True)
        lines = serializers.ListField(child=serializers.IntegerField(), required=False)

    first, second = S(), S(context={"x": 1})
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first and second.fields["name"].parent is second
    assert second.fields["name"].context == {"x": 1}
    row = _Row(name="n", when=None, lines=[1, 2])
    assert S(row).data == {"name": "n", "when": None, "lines": [1, 2]}
    assert not S(data={"name": ""}).is_valid()
