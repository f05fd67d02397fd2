"""Lots over the API: /lots/, lot-aware /stock-movements/ and per-lot /stock-balances/, as an integration uses them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cashsheet.testing.api import assert_permission_matrix
from inventory import services
from inventory.models import Lot, LotHold, StockBalance, StockMovement
from parties.services import vendor_create
from webhooks.models import Event

API = "/api/v2"
D = Decimal


def _post(api, **body):
    return api.post(f"{API}/stock-movements/", body, format="json")


@pytest.fixture
def vendor(silo):
    return vendor_create(code="SANDHILLS", name="Sandhills Cattle Co.")


@pytest.fixture
def stocked(blythe, ribeye):
    """Three lots of 112A at BLYTHE received on 3/1: EARLY (use-by 3/20), LATE (4/10), HELD (4/10, on hold)."""
    lots = {}
    for code, use_by in (("EARLY", date(2026, 3, 20)), ("LATE", None), ("HELD", None)):
        lots[code] = services.lot_create(
            item=ribeye, facility=blythe, code=code, origin="receipt", pack_date=date(2026, 3, 1), use_by_date=use_by
        )
        services.stock_movement_post(
            facility=blythe, item=ribeye, kind="receipt", quantity_lb=D("100"), effective_date=date(2026, 3, 1),
            lot=lots[code], unit_cost_per_lb=D("10"),
        )  # fmt: skip
    services.lot_hold(lot=lots["HELD"], reason="Pending lab result")
    return lots


def test_post_a_lot_then_receive_into_it(api, blythe, ribeye, vendor):
    body = {"code": "SH-4471", "item": ribeye.pk, "facility": blythe.pk, "vendor": vendor.pk,
            "vendor_lot_code": "4471-B", "establishment_number": "EST. 245C", "pack_date": "2026-03-01",
            "kill_date": "2026-02-27", "unit_cost_per_lb": "11.10"}  # fmt: skip
    created = api.post(f"{API}/lots/", body, format="json")
    assert created.status_code == 201, created.content
    lot = created.json()
    assert (lot["use_by_date"], lot["state"], lot["origin"], lot["on_hand_lb"]) == (
        "2026-04-10",
        "chilled",
        "receipt",
        "0.00",
    )
    assert lot["vendor_code"] == "SANDHILLS" and lot["balances"] == [] and lot["holds"] == []
    dup = api.post(f"{API}/lots/", {**body, "code": "sh-4471"}, format="json")
    assert dup.status_code == 409 and dup.json()["existing_id"] == lot["id"]
    r = _post(api, facility=blythe.pk, item=ribeye.pk, kind="receipt", quantity_lb="2400", effective_date="2026-03-02",
              lot=lot["id"], unit_cost_per_lb="11.10")  # fmt: skip
    assert r.status_code == 201, r.content
    assert (r.json()["lot"], r.json()["lot_code"], r.json()["use_by_date"]) == (lot["id"], "SH-4471", "2026-04-10")
    assert [m["id"] for m in r.json()["movements"]] == [r.json()["id"]]
    for change, field in (
        ({"pack_date": "2026-03-05", "use_by_date": "2026-03-01"}, "use_by_date"),
        ({"kill_date": "2026-03-09"}, "kill_date"),
        ({"state": "cooked"}, "state"),
        ({"item": 999999}, "item"),
        ({"origin": "production"}, "origin"),
        ({"colour": "red"}, "colour"),
    ):
        bad = api.post(f"{API}/lots/", {**body, "code": "X", **change}, format="json")
        assert bad.status_code == 400 and field in [e["field"] for e in bad.json()["errors"]], (change, bad.content)
    assert Lot.objects.count() == 1


def test_a_receipt_naming_a_new_lot_code_creates_the_lot_with_its_label(api, blythe, ribeye, vendor):
    r = _post(api, facility=blythe.pk, item=ribeye.pk, kind="receipt", quantity_lb="500", effective_date="2026-03-10",
              lot_code="PV-0912", pack_date="2026-03-08", kill_date="2026-03-06", vendor=vendor.pk,
              vendor_lot_code="0912", establishment_number="EST. 960A", unit_cost_per_lb="11")  # fmt: skip
    assert r.status_code == 201, r.content
    lot = Lot.objects.get(code="PV-0912")
    assert (lot.pack_date, lot.use_by_date, lot.vendor_id, lot.establishment_number) == (
        date(2026, 3, 8), date(2026, 4, 17), vendor.pk, "EST. 960A",
    )  # fmt: skip
    again = _post(api, facility=blythe.pk, item=ribeye.pk, kind="receipt", quantity_lb="100",
                  effective_date="2026-03-11", lot_code="pv-0912", unit_cost_per_lb="11")  # fmt: skip
    assert again.status_code == 201 and again.json()["lot"] == lot.pk
    contradicts = _post(api, facility=blythe.pk, item=ribeye.pk, kind="receipt", quantity_lb="1",
                        effective_date="2026-03-11", lot_code="PV-0912", pack_date="2026-03-01")  # fmt: skip
    assert contradicts.status_code == 400 and contradicts.json()["errors"][0]["field"] == "pack_date"
    generated = _post(api, facility=blythe.pk, item=ribeye.pk, kind="receipt", quantity_lb="5",
                      effective_date="2026-03-12")  # fmt: skip
    assert generated.json()["lot_code"].startswith("BLYTHE-26071-")
    assert StockMovement.objects.count() == 3


def test_shipments_take_named_lots_or_fefo_and_list_every_movement(api, blythe, ribeye, stocked):
    lots = [{"lot": stocked["LATE"].pk, "quantity_lb": "30"}, {"lot_code": "early", "quantity_lb": "20"}]
    named = _post(api, facility=blythe.pk, item=ribeye.pk, kind="shipment", effective_date="2026-03-05", lots=lots)
    assert named.status_code == 201, named.content
    assert [(m["lot_code"], m["quantity_lb"]) for m in named.json()["movements"]] == [
        ("LATE", "30.00"),
        ("EARLY", "20.00"),
    ]
    fefo = _post(
        api, facility=blythe.pk, item=ribeye.pk, kind="shipment", quantity_lb="100", effective_date="2026-03-06"
    )
    assert fefo.status_code == 201, fefo.content
    # EARLY first (use-by 3/20), then LATE; HELD never.
    assert [(m["lot_code"], m["quantity_lb"]) for m in fefo.json()["movements"]] == [
        ("EARLY", "80.00"),
        ("LATE", "20.00"),
    ]
    rows = api.get(f"{API}/stock-movements/", {"lot": "LATE", "kind": "shipment"}).json()["results"]
    assert sorted(r["quantity_lb"] for r in rows) == ["20.00", "30.00"]


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"lot": 999999}, 400, "invalid", "lot"),
        ({"lot_code": "NOPE"}, 400, "invalid", "lot_code"),
        ({"lot": "__HELD__"}, 409, "lot_on_hold", "lot"),
        ({"lot": "__EARLY__", "effective_date": "2026-03-21"}, 409, "lot_expired", "lot"),
        ({"lot": "__LATE__", "quantity_lb": "100.01"}, 409, "insufficient_stock", "quantity_lb"),
        ({"lot": "__OTHER_ITEM__"}, 400, "invalid", "lot"),
        (
            {"lots": [{"lot": "__LATE__", "quantity_lb": "1"}, {"lot": "__LATE__", "quantity_lb": "1"}]},
            400,
            "invalid",
            "lots.1.lot",
        ),
        ({"lots": [{"lot": "__LATE__", "quantity_lb": "5"}], "quantity_lb": "6"}, 400, "invalid", "quantity_lb"),
        ({"kind": "adjustment", "direction": 1}, 400, "invalid", "lot"),
        ({"pack_date": "2026-03-01"}, 400, "invalid", "pack_date"),
    ],
)
def test_bad_lot_input_names_the_lot_and_figure_and_writes_nothing(
    api, blythe, ribeye, make_item, stocked, change, status, code, field
):
    other = services.lot_create(item=make_item("116A"), facility=blythe, code="CHUCK", origin="receipt",
                                pack_date=date(2026, 3, 1))  # fmt: skip
    names = {"__HELD__": stocked["HELD"].pk, "__EARLY__": stocked["EARLY"].pk, "__LATE__": stocked["LATE"].pk,
             "__OTHER_ITEM__": other.pk}  # fmt: skip
    body = {"facility": blythe.pk, "item": ribeye.pk, "kind": "shipment", "quantity_lb": "10",
            "effective_date": "2026-03-05"}  # fmt: skip
    for key, value in change.items():
        if key == "lots":
            value = [{**entry, "lot": names.get(entry["lot"], entry["lot"])} for entry in value]
            body.pop("quantity_lb")
        body[key] = names.get(value, value) if isinstance(value, str) else value
    before = StockMovement.objects.count()
    r = _post(api, **body)
    assert (r.status_code, r.json()["code"]) == (status, code), r.content
    assert field in [e["field"] for e in r.json().get("errors", [])], r.json()
    if status == 409:
        assert r.json()["lot_code"] in r.json()["detail"]
    if code == "insufficient_stock":
        assert (r.json()["lot_code"], r.json()["shortfall_lb"], r.json()["available_lb"]) == ("LATE", "0.01", "100.00")
    assert StockMovement.objects.count() == before


def test_lot_list_filters_search_and_fixed_query_count(
    api, blythe, denver, ribeye, stocked, django_assert_max_num_queries
):
    lane = services.transfer_lane_create(from_facility=blythe, to_facility=denver, lead_time_days=1)
    services.stock_transfer_post(
        lane=lane, item=ribeye, ship_date=date(2026, 3, 2), lot=stocked["LATE"], quantity_lb="40"
    )
    services.lot_update(lot=stocked["LATE"], vendor_lot_code="VL-77")

    def codes(query):
        r = api.get(f"{API}/lots/", query)
        assert r.status_code == 200, r.content
        return sorted(lot["code"] for lot in r.json()["results"])

    assert codes({}) == ["EARLY", "HELD", "LATE"]
    assert codes({"facility": "DENVER"}) == ["LATE"]
    assert codes({"facility": blythe.pk}) == ["EARLY", "HELD", "LATE"]
    assert codes({"on_hold": "true"}) == ["HELD"]
    assert codes({"expiring_before": "2026-03-21"}) == ["EARLY"]
    assert codes({"search": "vl-77"}) == ["LATE"] and codes({"search": "earl"}) == ["EARLY"]
    assert codes({"item": ribeye.pk, "state": "frozen"}) == []
    late = api.get(f"{API}/lots/{stocked['LATE'].pk}/").json()
    assert late["on_hand_lb"] == "100.00"  # 60 at BLYTHE + 40 arrived at DENVER on 3/3 (it is later than that)
    assert late["balances"] == [
        {"facility": blythe.pk, "facility_code": "BLYTHE", "on_hand_lb": "60.00"},
        {"facility": denver.pk, "facility_code": "DENVER", "on_hand_lb": "40.00"},
    ]
    with django_assert_max_num_queries(8):
        assert len(api.get(f"{API}/lots/?page_size=50").json()["results"]) == 3
    assert api.get(f"{API}/lots/?expiring_before=soon").status_code == 400


def test_hold_and_release_with_a_reason_emit_events_and_keep_the_record(api, blythe, ribeye, stocked):
    lot = stocked["LATE"]
    url = f"{API}/lots/{lot.pk}/"
    assert api.patch(url, {"on_hold": True}, format="json").json()["errors"][0]["field"] == "hold_reason"
    assert (
        api.patch(url, {"on_hold": True, "hold_reason": "x", "use_by_date": "2026-04-01"}, format="json").status_code
        == 400
    )
    touched = StockBalance.objects.get(facility=blythe, item=ribeye).updated_at
    held = api.patch(url, {"on_hold": True, "hold_reason": "Customer complaint, QA"}, format="json")
    # The ATP's cache watches balance rows: a hold changes what it may promise, so the row moves.
    assert StockBalance.objects.get(facility=blythe, item=ribeye).updated_at > touched
    assert held.status_code == 200 and held.json()["on_hold"] and held.json()["hold_reason"] == "Customer complaint, QA"
    event = Event.objects.filter(type="lot.held").latest("created_at")
    assert event.data["object"] == api.get(url).json()  # the webhook carries what GET returns
    ship = _post(api, facility=blythe.pk, item=ribeye.pk, kind="shipment", quantity_lb="1",
                 effective_date="2026-03-05", lot=lot.pk)  # fmt: skip
    assert ship.status_code == 409 and ship.json()["code"] == "lot_on_hold"
    assert api.patch(url, {"on_hold": False}, format="json").json()["errors"][0]["field"] == "release_reason"
    released = api.patch(url, {"on_hold": False, "release_reason": "Negative retest"}, format="json").json()
    assert not released["on_hold"] and released["holds"][0]["release_reason"] == "Negative retest"
    assert Event.objects.filter(type="lot.released").count() == 1
    again = api.patch(url, {"on_hold": False, "release_reason": "again"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert LotHold.objects.filter(lot=lot).count() == 1


def test_patch_corrects_the_label(api, blythe, ribeye, stocked):
    url = f"{API}/lots/{stocked['LATE'].pk}/"
    frozen = api.patch(url, {"state": "frozen"}, format="json").json()
    assert (frozen["state"], frozen["use_by_date"]) == ("frozen", "2027-03-01")  # pack 3/1 + 365
    assert api.patch(url, {"use_by_date": "2026-05-01"}, format="json").json()["use_by_date"] == "2026-05-01"
    renamed = api.patch(url, {"code": "NEW"}, format="json")
    assert renamed.status_code == 409 and renamed.json()["errors"][0]["field"] == "code"  # stock has moved
    assert api.patch(url, {"use_by_date": "2026-01-01"}, format="json").status_code == 400
    assert api.patch(url, {}, format="json").status_code == 400


def test_stock_balances_per_lot_and_expiring_before(api, blythe, ribeye, stocked):
    rows = api.get(f"{API}/stock-balances/", {"by_lot": "true", "as_of": "2026-03-05"}).json()["results"]
    assert [(r["lot_code"], r["on_hand_lb"], r["use_by_date"], r["on_hold"]) for r in rows] == [
        ("EARLY", "100.00", "2026-03-20", False), ("LATE", "100.00", "2026-04-10", False),
        ("HELD", "100.00", "2026-04-10", True),
    ]  # fmt: skip
    pair = StockBalance.objects.get(facility=blythe, item=ribeye)
    assert sum(D(r["value"]) for r in rows) == pair.value
    one = api.get(f"{API}/stock-balances/", {"lot": stocked["HELD"].pk}).json()["results"]
    assert [(r["lot_code"], r["facility_code"]) for r in one] == [("HELD", "BLYTHE")]
    soon = api.get(f"{API}/stock-balances/", {"expiring_before": "2026-04-01"}).json()["results"]
    assert [r["lot_code"] for r in soon] == ["EARLY"]
    assert api.get(f"{API}/stock-balances/", {"expiring_before": "later"}).status_code == 400


def test_lot_permissions(make_user, client_for, blythe, ribeye):
    lot = services.lot_create(item=ribeye, facility=blythe, code="P1", origin="receipt", pack_date=timezone.localdate())
    assert_permission_matrix(
        make_user=make_user,
        client_for=client_for,
        app_label="inventory",
        model="lot",
        list_url=f"{API}/lots/",
        detail_url=f"{API}/lots/{lot.pk}/",
        create_payload={"code": "P2", "item": ribeye.pk, "facility": blythe.pk,
                        "pack_date": str(timezone.localdate() - timedelta(days=1))},
        patch_payload={"vendor_lot_code": "V"},
    )  # fmt: skip
