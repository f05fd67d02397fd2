"""Shipping a sales order by lot: catch weight per lot, the one-lot and no-lot shorthands, minimum shelf life."""

from datetime import timedelta
from decimal import Decimal

import pytest

from inventory import services as inventory
from inventory.models import LotBalance, StockMovement
from parties.services import customer_update
from sales.models import SalesOrderLineLot

URL = "/api/v2/sales-orders/"
D = Decimal


@pytest.fixture
def lots(plant, ribeye, today):
    """SOON (use-by in 4 days), MID (in 12), FRESH (in 30): 400 lb each of ribeye at the plant."""
    out = {}
    for code, days_left in (("SOON", 4), ("MID", 12), ("FRESH", 30)):
        pack = today - timedelta(days=2)
        out[code] = inventory.lot_create(
            item=ribeye, facility=plant, code=code, origin="receipt", pack_date=pack,
            use_by_date=today + timedelta(days=days_left),
        )  # fmt: skip
        inventory.stock_movement_post(facility=plant, item=ribeye, kind="receipt", quantity_lb=D("400"),
                                      effective_date=pack, lot=out[code], unit_cost_per_lb=D("10"))  # fmt: skip
    return out


def _confirmed(api, order_payload, quantity="500", **extra):
    order = api.post(URL, order_payload(quantity, status="confirmed", **extra), format="json")
    assert order.status_code == 201, order.content
    return order.json()


def _ship(api, order, lines):
    return api.patch(f"{URL}{order['id']}/", {"status": "shipped", "lines": lines}, format="json")


def test_catch_weight_per_lot_is_recorded_on_the_line(api, order_payload, lots):
    order = _confirmed(api, order_payload)
    line = order["lines"][0]
    lot_lines = [{"lot": lots["MID"].pk, "shipped_lb": "301.40"}, {"lot": "fresh", "shipped_lb": "197.25"}]
    shipped = _ship(api, order, [{"id": line["id"], "lots": lot_lines}])
    assert shipped.status_code == 200, shipped.content
    body = shipped.json()["lines"][0]
    assert body["shipped_lb"] == "498.65"
    assert [(x["lot_code"], x["shipped_lb"]) for x in body["lots"]] == [("MID", "301.40"), ("FRESH", "197.25")]
    moves = StockMovement.objects.filter(source_type="sales_order", source_id=order["id"]).order_by("id")
    assert [(m.lot.code, m.quantity_lb) for m in moves] == [("MID", D("301.40")), ("FRESH", D("197.25"))]
    assert SalesOrderLineLot.objects.filter(line_id=line["id"]).count() == 2
    assert LotBalance.objects.get(lot=lots["MID"]).on_hand_lb == D("98.60")


def test_one_lot_and_no_lot_shorthands_still_ship(api, order_payload, lots):
    one = _confirmed(api, order_payload, "100")
    r = _ship(api, one, [{"id": one["lines"][0]["id"], "lot": lots["FRESH"].pk, "shipped_lb": "99.10"}])
    assert r.status_code == 200, r.content
    assert [(x["lot_code"], x["shipped_lb"]) for x in r.json()["lines"][0]["lots"]] == [("FRESH", "99.10")]
    fefo = _confirmed(api, order_payload, "450")
    r = _ship(api, fefo, [{"id": fefo["lines"][0]["id"], "shipped_lb": "450.00"}])
    assert r.status_code == 200, r.content
    # First expired first out: SOON (use-by in 4 days, delivery in 3) before MID.
    assert [(x["lot_code"], x["shipped_lb"]) for x in r.json()["lines"][0]["lots"]] == [
        ("SOON", "400.00"), ("MID", "50.00"),
    ]  # fmt: skip


def test_minimum_shelf_life_refuses_a_short_dated_lot_by_name(api, order_payload, customer, lots):
    customer_update(customer=customer, min_shelf_life_days=7)
    order = _confirmed(api, order_payload, "100")  # delivery in 3 days: lots must last to day 10
    line_id = order["lines"][0]["id"]
    refused = _ship(api, order, [{"id": line_id, "lot": "SOON", "shipped_lb": "100"}])
    assert refused.status_code == 409, refused.content
    body = refused.json()
    assert body["code"] == "shelf_life_too_short" and body["lot_code"] == "SOON"
    assert body["use_by_date"] in body["detail"] and "requires 7" in body["detail"]
    assert body["errors"][0]["field"] == "lines.0.lots.0.lot"
    assert not StockMovement.objects.filter(source_type="sales_order", source_id=order["id"]).exists()
    # FEFO skips what would arrive too short-dated: MID (12 days left, 9 on arrival) is the first that fits.
    r = _ship(api, order, [{"id": line_id, "shipped_lb": "100"}])
    assert r.status_code == 200, r.content
    assert [x["lot_code"] for x in r.json()["lines"][0]["lots"]] == ["MID"]


def test_the_order_overrides_the_customers_minimum(api, order_payload, customer, lots):
    customer_update(customer=customer, min_shelf_life_days=20)
    strict = _confirmed(api, order_payload, "100")
    refused = _ship(api, strict, [{"id": strict["lines"][0]["id"], "lot": "MID", "shipped_lb": "100"}])
    assert refused.status_code == 409 and refused.json()["min_shelf_life_days"] == 20
    relaxed = _confirmed(api, order_payload, "100", min_shelf_life_days=0)
    assert relaxed["min_shelf_life_days"] == 0
    r = _ship(api, relaxed, [{"id": relaxed["lines"][0]["id"], "lot": "SOON", "shipped_lb": "100"}])
    assert r.status_code == 200, r.content


@pytest.mark.parametrize(
    ("line", "status", "code", "field"),
    [
        ({"lots": [{"lot": "NOPE", "shipped_lb": "100"}]}, 400, "invalid", "lines.0.lots.0.lot"),
        ({"lots": [{"lot": "__HELD__", "shipped_lb": "100"}]}, 409, "lot_on_hold", "lines.0.lots.0.lot"),
        ({"lots": [{"lot": "MID", "shipped_lb": "100"}]}, 409, "insufficient_stock", "lines.0.lots.0.quantity_lb"),
        ({"lots": [{"lot": "MID", "shipped_lb": "10"}]}, 400, "invalid", "lines.0.shipped_lb"),  # outside tolerance
        ({"lot": "MID"}, 400, "invalid", "lines.0.shipped_lb"),
        (
            {"lot": "MID", "lots": [{"lot": "MID", "shipped_lb": "100"}], "shipped_lb": "100"},
            400,
            "invalid",
            "lines.0.lot",
        ),
        ({"lots": [{"lot": "MID", "shipped_lb": "100"}], "shipped_lb": "90"}, 400, "invalid", "lines.0.shipped_lb"),
        ({"lots": [{"lot": "MID", "weight": "100"}]}, 400, "invalid", "lines.0.lots.0.weight"),
    ],
)
def test_bad_lot_shipments_name_the_lot_and_write_nothing(api, order_payload, lots, line, status, code, field):
    inventory.lot_hold(lot=lots["FRESH"], reason="Metal detector reject")
    if code == "insufficient_stock":  # MID down to 50 lb: a write-off before the order ships
        inventory.stock_issue(facility=lots["MID"].facility, item=lots["MID"].item, kind="adjustment", direction=-1,
                              effective_date=lots["MID"].pack_date, lots=[(lots["MID"], D("350"))])  # fmt: skip
    for entry in line.get("lots", []):
        if entry.get("lot") == "__HELD__":
            entry["lot"] = "FRESH"
    order = _confirmed(api, order_payload, "100")
    r = _ship(api, order, [{"id": order["lines"][0]["id"], **line}])
    assert (r.status_code, r.json()["code"]) == (status, code), r.content
    assert field in [e["field"] for e in r.json()["errors"]], r.json()
    assert not StockMovement.objects.filter(source_type="sales_order", source_id=order["id"]).exists()
    assert api.get(f"{URL}{order['id']}/").json()["status"] == "confirmed"
