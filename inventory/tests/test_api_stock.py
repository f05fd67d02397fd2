"""Stock movements and balances over the API, as an integration would use them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import services
from inventory.models import StockBalance, StockDay, StockMovement

API = "/api/v2"


def _post(api, **body):
    return api.post(f"{API}/stock-movements/", body, format="json")


def test_receipt_then_shipment_over_api(api, blythe, ribeye):
    r = _post(
        api,
        facility=blythe.pk,
        item=ribeye.pk,
        kind="receipt",
        quantity_lb=2400,
        effective_date="2026-03-10",
        lot_code="L-0310",
        unit_cost_per_lb="11.10",
        memo="PO 4471",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["quantity_lb"] == "2400.00" and body["unit_cost_per_lb"] == "11.1000"
    assert (body["facility_code"], body["imps_code"], body["direction"], body["value"]) == (
        "BLYTHE",
        "112A",
        1,
        "26640.00",
    )
    shipped = _post(
        api, facility=blythe.pk, item=ribeye.pk, kind="shipment", quantity_lb="800.5", effective_date="2026-03-14"
    )
    assert shipped.status_code == 201
    assert shipped.json()["value"] == "-8885.55" and shipped.json()["direction"] == -1


def test_overdraw_is_409_naming_facility_item_date_shortfall(api, blythe, ribeye, receive):
    receive(blythe, ribeye, 1600, on=date(2026, 3, 1))
    r = _post(api, facility=blythe.pk, item=ribeye.pk, kind="shipment", quantity_lb=3000, effective_date="2026-03-14")
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "insufficient_stock"
    assert (body["facility_code"], body["imps_code"], body["date"], body["shortfall_lb"]) == (
        "BLYTHE",
        "112A",
        "2026-03-14",
        "1400.00",
    )
    assert "BLYTHE" in body["detail"] and "112A" in body["detail"] and "1400.00" in body["detail"]
    assert StockMovement.objects.count() == 1


def test_backdated_shipment_breaking_a_later_day_is_409(api, blythe, ribeye, receive, ship):
    receive(blythe, ribeye, 1000, on=date(2026, 3, 1))
    ship(blythe, ribeye, 900, on=date(2026, 3, 20))
    r = _post(api, facility=blythe.pk, item=ribeye.pk, kind="shipment", quantity_lb=200, effective_date="2026-03-02")
    assert r.status_code == 409
    assert (r.json()["date"], r.json()["shortfall_lb"]) == ("2026-03-20", "100.00")
    assert not StockDay.objects.filter(date=date(2026, 3, 2)).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"facility": 999999}, "facility"),
        ({"item": 999999}, "item"),
        ({"quantity_lb": 0}, "quantity_lb"),
        ({"quantity_lb": "-3"}, "quantity_lb"),
        ({"quantity_lb": "1.234"}, "quantity_lb"),
        ({"quantity_lb": "lots"}, "quantity_lb"),
        ({"kind": "theft"}, "kind"),
        ({"kind": "transfer_in"}, "kind"),
        ({"kind": "adjustment"}, "direction"),
        ({"direction": 1}, "direction"),
        ({"lot_code": "NEVER-RECEIVED"}, "lot_code"),
        ({"effective_date": "14/03/2026"}, "effective_date"),
        ({"to_facility": 1}, "to_facility"),
        ({"value": "1.00", "colour": "x"}, "colour"),
    ],
)
def test_bad_movement_input_is_400_naming_field(api, blythe, ribeye, receive, change, field):
    receive(blythe, ribeye, 100, lot_code="L1")
    body = {
        "facility": blythe.pk,
        "item": ribeye.pk,
        "kind": "shipment",
        "quantity_lb": 5,
        "effective_date": "2026-03-05",
    }
    r = _post(api, **{**body, **change})
    assert r.status_code == 400, r.content
    assert r.headers["Content-Type"].startswith("application/json")
    assert field in [e["field"] for e in r.json()["errors"]]
    assert StockMovement.objects.count() == 1


def test_movements_are_immutable(api, blythe, ribeye, receive):
    movement = receive(blythe, ribeye, 100)
    assert api.patch(f"{API}/stock-movements/{movement.pk}/", {"memo": "x"}, format="json").status_code == 405
    assert api.put(f"{API}/stock-movements/{movement.pk}/", {"memo": "x"}, format="json").status_code == 405
    assert api.delete(f"{API}/stock-movements/{movement.pk}/").status_code == 405
    assert api.get(f"{API}/stock-movements/{movement.pk}/").json()["memo"] == ""


def test_transfer_over_api_posts_both_legs(api, blythe, denver, ribeye, receive):
    receive(blythe, ribeye, 1000, cost="12.0000")
    services.transfer_lane_create(from_facility=blythe, to_facility=denver, lead_time_days=3)
    r = _post(
        api,
        facility=blythe.pk,
        to_facility=denver.pk,
        item=ribeye.pk,
        kind="transfer_out",
        quantity_lb=250,
        effective_date="2026-03-11",
    )
    assert r.status_code == 201, r.content
    out_leg = r.json()
    assert out_leg["kind"] == "transfer_out" and out_leg["value"] == "-3000.00"
    in_leg = api.get(f"{API}/stock-movements/{out_leg['transfer_pair']}/").json()
    assert (in_leg["kind"], in_leg["facility_code"], in_leg["effective_date"]) == (
        "transfer_in",
        "DENVER",
        "2026-03-14",
    )
    assert in_leg["lane"] == out_leg["lane"] and in_leg["transfer_pair"] == out_leg["id"]
    no_lane = _post(
        api, facility=denver.pk, to_facility=blythe.pk, item=ribeye.pk, kind="transfer_out", quantity_lb=1,
        effective_date="2026-03-20",
    )  # fmt: skip
    assert no_lane.status_code == 400 and no_lane.json()["errors"][0]["field"] == "to_facility"


def test_movement_filters_and_search(api, blythe, denver, ribeye, make_item, receive, ship):
    chuck = make_item("116A", description="Chuck; chuck roll")
    receive(blythe, ribeye, 100, on=date(2026, 3, 1), lot_code="LOT-A", memo="opening")
    receive(denver, ribeye, 100, on=date(2026, 3, 2), lot_code="LOT-B")
    receive(blythe, chuck, 100, on=date(2026, 3, 3), lot_code="LOT-C")
    ship(blythe, ribeye, 10, on=date(2026, 3, 4), memo="order 77")

    def ids(query):
        r = api.get(f"{API}/stock-movements/{query}")
        assert r.status_code == 200, r.content
        return r.json()["count"]

    assert ids("?facility=BLYTHE") == 3
    assert ids(f"?facility={denver.pk}") == 1
    assert ids(f"?item={chuck.pk}") == 1
    assert ids("?imps_code=112a") == 3
    assert ids("?kind=shipment") == 1
    assert ids("?kind=shipment&kind=receipt") == 4
    assert ids("?lot=lot-b") == 1
    assert ids("?effective_date_from=2026-03-02&effective_date_to=2026-03-03") == 2
    assert ids("?search=order 77") == 1
    assert ids("?search=LOT-C") == 1
    assert api.get(f"{API}/stock-movements/?kind=gift").status_code == 400
    first = api.get(f"{API}/stock-movements/?ordering=effective_date").json()["results"][0]
    assert first["lot_code"] == "LOT-A"


def test_stock_balances_today_and_as_of(api, blythe, denver, ribeye, make_item, receive, ship):
    chuck = make_item("116A", description="Chuck; chuck roll")
    receive(blythe, ribeye, 1000, on=date(2026, 3, 1), cost="11.0000")
    ship(blythe, ribeye, 400, on=date(2026, 3, 5))
    receive(denver, ribeye, 50, on=date(2026, 3, 2), cost="10.0000")
    receive(blythe, chuck, 70, on=date(2026, 3, 3), cost="6.0000")

    rows = api.get(f"{API}/stock-balances/").json()["results"]
    assert [(r["facility_code"], r["imps_code"], r["on_hand_lb"], r["value"]) for r in rows] == [
        ("BLYTHE", "112A", "600.00", "6600.00"),
        ("BLYTHE", "116A", "70.00", "420.00"),
        ("DENVER", "112A", "50.00", "500.00"),
    ]
    assert set(rows[0]) >= {"facility", "item", "imps_code", "on_hand_lb", "value"}

    def one(query):
        r = api.get(f"{API}/stock-balances/{query}")
        assert r.status_code == 200, r.content
        return [(x["imps_code"], x["on_hand_lb"]) for x in r.json()["results"]]

    assert one(f"?facility={blythe.pk}&item={ribeye.pk}&as_of=2026-03-04") == [("112A", "1000.00")]
    assert one(f"?facility={blythe.pk}&item={ribeye.pk}&as_of=2026-03-05") == [("112A", "600.00")]
    assert one("?facility=BLYTHE&as_of=2026-03-02") == [("112A", "1000.00")]
    assert one("?as_of=2026-02-01") == []
    assert one("?imps_code=116A") == [("116A", "70.00")]
    assert one("?search=chuck") == [("116A", "70.00")]
    assert one("?ordering=-closing_lb&facility=BLYTHE") == [("112A", "600.00"), ("116A", "70.00")]
    bad = api.get(f"{API}/stock-balances/?as_of=yesterday")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "as_of"


def test_future_dated_receipt_is_not_on_hand_today(api, blythe, ribeye, receive):
    today = timezone.localdate()
    receive(blythe, ribeye, 10, on=today - timedelta(days=1))
    receive(blythe, ribeye, 90, on=today + timedelta(days=2))
    rows = api.get(f"{API}/stock-balances/?facility=BLYTHE").json()["results"]
    assert rows[0]["on_hand_lb"] == "10.00"
    later = (today + timedelta(days=2)).isoformat()
    assert api.get(f"{API}/stock-balances/?as_of={later}").json()["results"][0]["on_hand_lb"] == "100.00"
    assert StockBalance.objects.get(facility=blythe, item=ribeye).on_hand_lb == Decimal("100.00")


@pytest.mark.parametrize(
    ("method", "path", "perm"),
    [
        ("get", "stock-movements/", "inventory.view_stockmovement"),
        ("post", "stock-movements/", "inventory.add_stockmovement"),
        ("get", "stock-balances/", "inventory.view_stockbalance"),
        ("get", "items/", "inventory.view_item"),
        ("post", "items/", "inventory.add_item"),
        ("get", "facilities/", "inventory.view_facility"),
        ("post", "facilities/", "inventory.add_facility"),
        ("get", "transfer-lanes/", "inventory.view_transferlane"),
        ("get", "cutting-patterns/", "inventory.view_cuttingpattern"),
    ],
)
def test_permissions(make_user, client_for, blythe, ribeye, method, path, perm):
    bodies = {
        "stock-movements/": {
            "facility": blythe.pk,
            "item": ribeye.pk,
            "kind": "receipt",
            "quantity_lb": 1,
            "effective_date": "2026-03-01",
        },
        "items/": {"imps_code": "999", "description": "x", "category": "trim"},
        "facilities/": {"code": "NEWF", "name": "New"},
    }
    without = client_for(make_user())
    call = lambda client: getattr(client, method)(f"{API}/{path}", bodies.get(path), format="json")  # noqa: E731
    denied = call(without)
    assert denied.status_code == 403 and denied.json()["status"] == 403
    allowed = call(client_for(make_user(perm)))
    assert allowed.status_code == (201 if method == "post" else 200), allowed.content


def test_stock_movement_list_query_count_is_fixed(api, blythe, ribeye, receive, django_assert_max_num_queries):
    for day in range(1, 11):
        receive(blythe, ribeye, 10, on=date(2026, 3, day))
    with django_assert_max_num_queries(8):
        assert api.get(f"{API}/stock-movements/?page_size=50").json()["count"] == 10


@pytest.mark.parametrize(
    "body",
    [
        [],
        "receipt",
        {"facility": "BLYTHE", "item": "112A", "kind": "receipt", "quantity_lb": 1, "effective_date": "2026-03-01"},
        {"facility": None, "item": None, "kind": None, "quantity_lb": None, "effective_date": None},
        {"facility": 1, "item": 1, "kind": "receipt", "quantity_lb": "NaN", "effective_date": "2026-03-01"},
        {"facility": 1, "item": 1, "kind": "receipt", "quantity_lb": "1e20", "effective_date": "2026-03-01"},
        {"facility": 1, "item": 1, "kind": "receipt", "quantity_lb": 1, "effective_date": "2026-02-30"},
        {"facility": 1, "item": 1, "kind": ["receipt"], "quantity_lb": {}, "effective_date": 20260301},
    ],
)
def test_garbage_movement_input_is_json_400(api, blythe, ribeye, body):
    r = api.post(f"{API}/stock-movements/", body, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["status"] == 400 and r.json()["errors"]
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(
    "outputs",
    ["0.5", [{"item": "x", "yield_fraction": "0.5"}], [{"yield_fraction": "abc"}], [{"item": 1, "yield": 0.5}]],
)
def test_garbage_pattern_outputs_are_json_400(api, blythe, ribeye, outputs):
    body = {"code": "G1", "input_item": ribeye.pk, "facilities": [blythe.pk], "outputs": outputs}
    r = api.post(f"{API}/cutting-patterns/", body, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["errors"][0]["field"].startswith("outputs")


def test_patch_needs_change_permission(make_user, client_for, ribeye):
    viewer = client_for(make_user("inventory.view_item"))
    assert viewer.patch(f"{API}/items/{ribeye.pk}/", {"description": "x"}, format="json").status_code == 403
    editor = client_for(make_user("inventory.view_item", "inventory.change_item"))
    assert editor.patch(f"{API}/items/{ribeye.pk}/", {"description": "x"}, format="json").status_code == 200


def test_balances_sync_with_updated_since(api, blythe, denver, ribeye, receive):
    receive(blythe, ribeye, 10, on=date(2026, 3, 1))
    mark = timezone.now()
    receive(denver, ribeye, 5, on=date(2026, 3, 1))
    rows = api.get(f"{API}/stock-balances/", {"updated_since": mark.isoformat()}).json()["results"]
    assert [(r["facility_code"], r["on_hand_lb"]) for r in rows] == [("DENVER", "5.00")]
    assert {"id", "created_at", "updated_at"} <= set(rows[0])


def test_transfer_over_an_inactive_lane_is_400(api, blythe, denver, ribeye, receive):
    receive(blythe, ribeye, 100)
    lane = services.transfer_lane_create(from_facility=blythe, to_facility=denver)
    services.transfer_lane_update(lane=lane, active=False)
    r = _post(
        api, facility=blythe.pk, to_facility=denver.pk, item=ribeye.pk, kind="transfer_out", quantity_lb=1,
        effective_date="2026-03-20",
    )  # fmt: skip
    assert r.status_code == 400 and "inactive" in r.json()["detail"]
    assert r.json()["errors"][0]["field"] == "to_facility"
