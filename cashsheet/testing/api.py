"""Shared API test helpers: the permission matrix every resource must satisfy."""

from __future__ import annotations

from collections.abc import Callable


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
