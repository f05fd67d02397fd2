"""Shared API test helpers: the resource test matrix (`ResourceTests`), the permission matrix, payload checks."""

from __future__ import annotations

from collections.abc import Callable

import pytest


def assert_permission_matrix(
    *,
    make_user: Callable,
    client_for: Callable,
    app_label: str,
    model: str,
    list_url: str,
    detail_url: str,
    create_payload: dict,
    patch_payload: dict,
) -> None:
    """A user lacking view/add/change gets 403 for GET/POST/PATCH; with the permission, not 403."""
    nobody = client_for(make_user())
    for method, url, payload in (
        ("get", list_url, None),
        ("get", detail_url, None),
        ("post", list_url, create_payload),
        ("patch", detail_url, patch_payload),
    ):
        response = getattr(nobody, method)(url, payload, format="json") if payload else nobody.get(url)
        assert response.status_code == 403, (method, url, response.status_code)
        assert response.json()["code"] == "permission_denied"

    viewer = client_for(make_user(f"{app_label}.view_{model}"))
    assert viewer.get(list_url).status_code == 200
    assert viewer.get(detail_url).status_code == 200
    assert viewer.post(list_url, create_payload, format="json").status_code == 403
    assert viewer.patch(detail_url, patch_payload, format="json").status_code == 403

    adder = client_for(make_user(f"{app_label}.add_{model}"))
    assert adder.get(list_url).status_code == 403
    assert adder.post(list_url, create_payload, format="json").status_code == 201

    changer = client_for(make_user(f"{app_label}.change_{model}"))
    assert changer.patch(detail_url, patch_payload, format="json").status_code == 200
    assert changer.post(list_url, create_payload, format="json").status_code == 403


def assert_renders_as_serializer(serializer_class, instance, payload: dict) -> None:
    """`payload` (an app's payloads.py) is byte for byte what DRF's ModelSerializer would render from the
    serializer's declared fields, so the OpenAPI schema, GET and webhook events describe one shape."""
    from rest_framework import serializers
    from rest_framework.renderers import JSONRenderer

    native = serializers.ModelSerializer.to_representation(serializer_class(), instance)
    ours, theirs = JSONRenderer().render(payload).decode(), JSONRenderer().render(native).decode()
    assert ours == theirs, (payload, dict(native))


class ResourceTests:
    """The API test matrix every resource shares (NetBox's `APIViewTestCases`, for pytest).

    Subclass it in `<app>/tests/test_resources.py` as `TestCustomers(ResourceTests)` and give:
    - `url` (the list URL) and `model` ("parties.customer": its view/add/change permissions), or
      `view_permission` for a view guarded by `required_permissions`; `permissions = False` where any
      signed-in user may read (own tokens);
    - a `make` fixture returning a callable that creates one more instance (through the app's services);
    - `create_body` / `patch_body` fixtures where the resource takes POST / PATCH (default: none);
    - `search_term(obj)` (a term that finds `obj`) and `filters(obj)` ({param: value} each finding it);
    - `list_queries` / `detail_queries`: the pinned query counts (the list's must not grow with its rows).
    """

    url: str = ""
    model: str = ""
    view_permission: str = ""
    permissions: bool = True
    detail: bool = True
    id_key: str = "id"
    detail_id_key: str = ""  # where the detail body names the row, if not under `id_key`
    list_queries: int | None = None
    detail_queries: int | None = None
    created_status: int = 201

    @pytest.fixture
    def make(self):
        raise NotImplementedError("define a `make` fixture")

    @pytest.fixture
    def create_body(self):
        return None

    @pytest.fixture
    def patch_body(self):
        return None

    def search_term(self, obj) -> str | None:
        return None

    def filters(self, obj) -> dict:
        return {}

    # --- helpers ---------------------------------------------------------------------------------------

    def key(self, obj):
        return obj.pk

    def detail_url(self, obj) -> str:
        return f"{self.url}{self.key(obj)}/"

    def ids(self, response) -> list:
        assert response.status_code == 200, response.content[:500]
        return [row[self.id_key] for row in response.json()["results"]]

    def perm(self, action: str) -> str:
        app_label, model = self.model.split(".")
        return f"{app_label}.{action}_{model}"

    def view_class(self):
        from django.urls import resolve

        return resolve(self.url).func.cls

    # --- the matrix ------------------------------------------------------------------------------------

    def test_list_envelope_and_detail(self, api, make):
        obj = make()
        body = api.get(self.url, {"page_size": 200}).json()
        assert list(body)[:4] == ["count", "next", "previous", "results"], body
        assert self.key(obj) in [row[self.id_key] for row in body["results"]]
        if self.detail:
            shown = api.get(self.detail_url(obj))
            assert shown.status_code == 200 and shown.json()[self.detail_id_key or self.id_key] == self.key(obj)
            assert api.get(f"{self.url}0/").status_code == 404

    def test_permissions(self, make_user, client_for, make, create_body, patch_body):
        if not self.permissions:
            pytest.skip("any signed-in user reads this resource (their own rows)")
        obj = make()
        view = self.view_permission or self.perm("view")
        nobody, viewer = client_for(make_user()), client_for(make_user(view))
        reads = [self.url] + ([self.detail_url(obj)] if self.detail else [])
        for url in reads:
            denied = nobody.get(url)
            assert denied.status_code == 403 and denied.json()["code"] == "permission_denied", url
            assert viewer.get(url).status_code == 200, url
        if create_body is not None:
            assert nobody.post(self.url, create_body, format="json").status_code == 403
            assert viewer.post(self.url, create_body, format="json").status_code == 403
            adder = client_for(make_user(self.perm("add")))
            assert adder.get(self.url).status_code == 403
            created = adder.post(self.url, create_body, format="json")
            assert created.status_code == self.created_status, created.content[:500]
        if patch_body is not None:
            assert viewer.patch(self.detail_url(obj), patch_body, format="json").status_code == 403
            changer = client_for(make_user(self.perm("change")))
            changed = changer.patch(self.detail_url(obj), patch_body, format="json")
            assert changed.status_code == 200, changed.content[:500]

    def test_unknown_fields_are_400_naming_them(self, api, make, create_body, patch_body):
        if create_body is None and patch_body is None:
            pytest.skip("read-only resource")
        calls = []
        if create_body is not None:
            calls.append(("post", self.url, create_body))
        if patch_body is not None:
            calls.append(("patch", self.detail_url(make()), patch_body))
        for method, url, body in calls:
            response = getattr(api, method)(url, {**body, "no_such_field": 1}, format="json")
            assert response.status_code == 400, (method, response.content[:500])
            assert "no_such_field" in {error["field"] for error in response.json()["errors"]}

    def test_ordering_search_and_filters(self, api, make):
        obj, _ = make(), make()
        ordering = getattr(self.view_class(), "ordering_fields", None) or []
        for field in ordering:
            for value in (field, f"-{field}"):
                assert api.get(self.url, {"ordering": value}).status_code == 200, value
        if ordering:
            bad = api.get(self.url, {"ordering": "no_such_field"})
            assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "ordering"
        term = self.search_term(obj)
        if term is not None:
            assert self.key(obj) in self.ids(api.get(self.url, {"search": term, "page_size": 200})), term
        for param, value in self.filters(obj).items():
            assert self.key(obj) in self.ids(api.get(self.url, {param: value, "page_size": 200})), param

    def test_query_counts_are_pinned(self, api, make, settings):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        # The steady state: the host's silo cached and the token's last use recorded, whatever the load.
        settings.CASHSHEET_SILO_CACHE_SECONDS = settings.CASHSHEET_TOKEN_TOUCH_SECONDS = 3600
        objs = [make(), make()]
        api.get(self.url)  # first use of the token writes last_used_at: measure the steady state
        with CaptureQueriesContext(connection) as few:
            assert api.get(self.url, {"page_size": 200}).status_code == 200
        objs += [make(), make(), make()]
        with CaptureQueriesContext(connection) as more:
            assert api.get(self.url, {"page_size": 200}).status_code == 200
        assert (len(few), len(more)) == (self.list_queries, self.list_queries), (
            f"{self.url} list: {len(few)} then {len(more)} queries, pinned {self.list_queries}"
        )
        if self.detail:
            with CaptureQueriesContext(connection) as one:
                assert api.get(self.detail_url(objs[0])).status_code == 200
            assert len(one) == self.detail_queries, f"{self.url} detail: {len(one)}, pinned {self.detail_queries}"
