"""Inventory over real HTTP (gunicorn, 2 workers) against committed data in silo `live`."""

import pytest

from cashsheet.testing import unique

pytestmark = pytest.mark.live


def test_receive_ship_refuse_and_read_balance_over_http(live_http):
    facility = live_http.post("/api/v2/facilities/", json={"code": unique("H"), "name": "HTTP plant"})
    assert facility.status_code == 201, facility.text
    item = live_http.post(
        "/api/v2/items/", json={"imps_code": unique("H"), "description": "HTTP item", "category": "subprimal"}
    )
    assert item.status_code == 201, item.text
    f, i = facility.json()["id"], item.json()["id"]

    def post(kind, lb, **extra):
        body = {"facility": f, "item": i, "kind": kind, "quantity_lb": lb, "effective_date": "2026-03-10", **extra}
        return live_http.post("/api/v2/stock-movements/", json=body)

    assert post("receipt", "2400", unit_cost_per_lb="11.10").status_code == 201
    shipped = post("shipment", 800)
    assert shipped.status_code == 201 and shipped.json()["value"] == "-8880.00"
    refused = post("shipment", 3000)
    assert refused.status_code == 409 and refused.headers["Content-Type"].startswith("application/json")
    assert refused.json()["shortfall_lb"] == "1400.00"
    assert live_http.patch(f"/api/v2/stock-movements/{shipped.json()['id']}/", json={"memo": "x"}).status_code == 405

    rows = live_http.get("/api/v2/stock-balances/", params={"facility": f, "item": i, "as_of": "2026-03-10"}).json()
    assert [(r["on_hand_lb"], r["value"]) for r in rows["results"]] == [("1600.00", "17760.00")]
