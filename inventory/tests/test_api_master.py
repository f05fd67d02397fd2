"""Master data over the API: facilities, lanes, items, cutting patterns."""

from decimal import Decimal

import pytest

from inventory import services
from inventory.models import CuttingPattern, Item

API = "/api/v2"


def test_facility_create_normalises_code_and_refuses_duplicates(api):
    r = api.post(f"{API}/facilities/", {"code": "omaha", "name": "Omaha plant", "can_break": True}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["code"] == "OMAHA"
    assert set(body) >= {"id", "code", "name", "timezone", "can_break", "daily_capacity_lb", "active", "created_at"}
    again = api.post(f"{API}/facilities/", {"code": "OMAHA", "name": "Other"}, format="json")
    assert again.status_code == 409
    assert again.json()["existing_id"] == body["id"]


def test_facility_bad_timezone_is_400_naming_field(api):
    r = api.post(f"{API}/facilities/", {"code": "X1", "name": "X", "timezone": "Mars/Olympus"}, format="json")
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "timezone"


def test_transfer_lane_same_ends_is_400_and_duplicate_409(api, blythe, denver):
    same = api.post(f"{API}/transfer-lanes/", {"from_facility": blythe.pk, "to_facility": blythe.pk}, format="json")
    assert same.status_code == 400 and same.json()["errors"][0]["field"] == "to_facility"
    body = {"from_facility": blythe.pk, "to_facility": denver.pk, "lead_time_days": 2, "cost_per_lb": "0.06"}
    ok = api.post(f"{API}/transfer-lanes/", body, format="json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["from_facility_code"] == "BLYTHE" and ok.json()["cost_per_lb"] == "0.0600"
    assert api.post(f"{API}/transfer-lanes/", body, format="json").status_code == 409
    listed = api.get(f"{API}/transfer-lanes/?from_facility=BLYTHE").json()
    assert [lane["to_facility_code"] for lane in listed["results"]] == ["DENVER"]


def test_item_create_filters_search_and_ordering(api):
    for code, desc, category, species in [
        ("112A", "Rib; ribeye roll; lip-on", "subprimal", "beef"),
        ("103", "Rib (primal)", "primal", "beef"),
        ("180", "Loin; strip loin; boneless (0x1)", "subprimal", "beef"),
        ("410", "Pork loin", "primal", "pork"),
    ]:
        r = api.post(
            f"{API}/items/",
            {"imps_code": code, "description": desc, "category": category, "species": species, "list_price_per_lb": 9},
            format="json",
        )
        assert r.status_code == 201, r.content
    assert r.json()["list_price_per_lb"] == "9.0000"

    codes = lambda q: [i["imps_code"] for i in api.get(f"{API}/items/{q}").json()["results"]]  # noqa: E731
    assert codes("?species=pork") == ["410"]
    assert codes("?category=subprimal") == ["112A", "180"]
    assert codes("?search=rib") == ["103", "112A"]
    assert codes("?search=112") == ["112A"]
    assert codes("?ordering=-imps_code&species=beef") == ["180", "112A", "103"]
    assert api.get(f"{API}/items/?ordering=nope").status_code == 400
    assert api.get(f"{API}/items/?species=goat").status_code == 400
    assert codes("?updated_since=2000-01-01T00:00:00Z") == ["103", "112A", "180", "410"]
    assert codes("?updated_since=2999-01-01T00:00:00Z") == []


def test_item_duplicate_unknown_field_and_bad_category(api, ribeye):
    dup = api.post(f"{API}/items/", {"imps_code": "112a", "description": "x", "category": "subprimal"}, format="json")
    assert dup.status_code == 409 and dup.json()["errors"][0]["field"] == "imps_code"
    unknown = api.post(
        f"{API}/items/", {"imps_code": "1", "description": "x", "category": "trim", "colour": "red"}, format="json"
    )
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "colour"
    bad = api.post(f"{API}/items/", {"imps_code": "2", "description": "x", "category": "offal"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "category"
    negative = api.post(
        f"{API}/items/",
        {"imps_code": "3", "description": "x", "category": "trim", "list_price_per_lb": "-1"},
        format="json",
    )
    assert negative.status_code == 400 and negative.json()["errors"][0]["field"] == "list_price_per_lb"


def test_item_imps_code_frozen_once_stock_moved(api, blythe, make_item, receive):
    item = make_item("116A")
    renamed = api.patch(f"{API}/items/{item.pk}/", {"imps_code": "116B"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["imps_code"] == "116B"
    receive(blythe, Item.objects.get(pk=item.pk), 10)
    frozen = api.patch(f"{API}/items/{item.pk}/", {"imps_code": "116C"}, format="json")
    assert frozen.status_code == 409
    assert frozen.json()["errors"][0]["field"] == "imps_code"
    assert Item.objects.get(pk=item.pk).imps_code == "116B"
    # Other fields still change.
    priced = api.patch(f"{API}/items/{item.pk}/", {"list_price_per_lb": "7.25", "imps_code": "116b"}, format="json")
    assert priced.status_code == 200 and priced.json()["list_price_per_lb"] == "7.2500"


@pytest.fixture
def rib_parts(make_item):
    return {code: make_item(code, category="subprimal") for code in ("103", "109E", "112A", "TRIM")}


def _pattern(parts, facility, yields):
    return {
        "code": "103-to-112a",
        "name": "Rib breaking",
        "input_item": parts["103"].pk,
        "processing_cost_per_lb": "0.35",
        "facilities": [facility.pk],
        "outputs": [{"item": parts[code].pk, "yield_fraction": y} for code, y in yields],
    }


def test_cutting_pattern_nested_outputs(api, blythe, rib_parts):
    r = api.post(
        f"{API}/cutting-patterns/", _pattern(rib_parts, blythe, [("112A", "0.55"), ("TRIM", "0.3")]), format="json"
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["code"] == "103-TO-112A"
    assert [(o["imps_code"], o["yield_fraction"]) for o in body["outputs"]] == [
        ("112A", "0.55000"),
        ("TRIM", "0.30000"),
    ]
    assert body["yield_total"] == "0.85000" and body["facilities"] == [blythe.pk]
    patched = api.patch(
        f"{API}/cutting-patterns/{body['id']}/",
        {"outputs": [{"item": rib_parts["109E"].pk, "yield_fraction": "0.8"}]},
        format="json",
    )
    assert patched.status_code == 200
    assert [o["imps_code"] for o in patched.json()["outputs"]] == ["109E"]
    assert api.get(f"{API}/cutting-patterns/?output_imps_code=109e").json()["count"] == 1
    assert api.get(f"{API}/cutting-patterns/?output_item={rib_parts['112A'].pk}").json()["count"] == 0
    assert api.get(f"{API}/cutting-patterns/?facility=BLYTHE&input_imps_code=103").json()["count"] == 1
    assert api.get(f"{API}/cutting-patterns/?input_item={rib_parts['103'].pk}").json()["count"] == 1


@pytest.mark.parametrize(
    ("yields", "field"),
    [
        ([("112A", "0.7"), ("TRIM", "0.4")], "outputs"),
        ([("112A", "1.2")], "outputs.0.yield_fraction"),
        ([("112A", "0.5"), ("TRIM", "0")], "outputs.1.yield_fraction"),
        ([("112A", "0.5"), ("TRIM", "-0.1")], "outputs.1.yield_fraction"),
        ([("112A", "0.5"), ("112A", "0.1")], "outputs.1.item"),
        ([("103", "0.5")], "outputs.0.item"),
        ([], "outputs"),
    ],
)
def test_cutting_pattern_bad_yields_are_400_naming_field(api, blythe, rib_parts, yields, field):
    r = api.post(f"{API}/cutting-patterns/", _pattern(rib_parts, blythe, yields), format="json")
    assert r.status_code == 400, r.content
    assert field in [e["field"] for e in r.json()["errors"]]
    assert not CuttingPattern.objects.exists()


def test_cutting_pattern_at_a_facility_that_cannot_break_is_400(api, denver, rib_parts):
    r = api.post(f"{API}/cutting-patterns/", _pattern(rib_parts, denver, [("112A", "0.5")]), format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "facilities.0"


def test_patch_yields_over_one_is_400_and_keeps_old_outputs(api, blythe, rib_parts):
    pattern = services.cutting_pattern_create(
        code="P1",
        input_item=rib_parts["103"],
        facilities=[blythe],
        outputs=[{"item": rib_parts["112A"], "yield_fraction": Decimal("0.5")}],
    )
    r = api.patch(
        f"{API}/cutting-patterns/{pattern.pk}/",
        {
            "outputs": [
                {"item": rib_parts["112A"].pk, "yield_fraction": "0.9"},
                {"item": rib_parts["TRIM"].pk, "yield_fraction": "0.2"},
            ]
        },
        format="json",
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "outputs"
    assert [o.yield_fraction for o in pattern.outputs.all()] == [Decimal("0.50000")]


def test_openapi_schema_is_valid_and_has_inventory_examples(api):
    from openapi_spec_validator import validate

    spec = api.get(f"{API}/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    for resource in ("facilities", "transfer-lanes", "items", "cutting-patterns", "stock-movements"):
        create = paths[f"/api/v2/{resource}/"]["post"]
        assert "examples" in create["requestBody"]["content"]["application/json"], resource
    assert "patch" not in paths["/api/v2/stock-movements/{id}/"]
    params = {p["name"] for p in paths["/api/v2/stock-balances/"]["get"]["parameters"]}
    assert {"facility", "item", "imps_code", "as_of", "updated_since", "search", "ordering"} <= params


@pytest.mark.parametrize("page_size", [5, 50])
def test_list_query_counts_do_not_grow_with_page_size(api, blythe, denver, make_item, receive, page_size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    items = [make_item(f"Q{n:02d}") for n in range(60)]
    for n, item in enumerate(items):
        receive(blythe if n % 2 else denver, item, 10)
        services.cutting_pattern_create(
            code=f"QP{n}",
            input_item=item,
            facilities=[blythe],
            outputs=[{"item": items[(n + 1) % 60], "yield_fraction": Decimal("0.5")}],
        )
    for resource in ("cutting-patterns", "stock-balances", "stock-movements", "items"):
        api.get(f"{API}/{resource}/")  # first use of the token writes last_used_at
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/{resource}/?page_size={page_size}")
        assert response.status_code == 200 and len(response.json()["results"]) == min(page_size, 60)
        # Token, permissions, count, page, and at most two prefetches; django-tenants' SETs aside.
        sql = [q["sql"] for q in queries if not q["sql"].startswith("SET search_path")]
        assert len(sql) <= 6, (resource, [q[:80] for q in sql])


def test_silos_do_not_see_each_others_items(api, make_item, silo_beta):
    make_item("112A")
    assert api.get(f"{API}/items/?imps_code=112A").json()["count"] == 1
    from django.db import connection

    alpha = connection.tenant
    connection.set_tenant(silo_beta)
    try:
        assert not Item.objects.filter(imps_code="112A").exists()
    finally:
        connection.set_tenant(alpha)
