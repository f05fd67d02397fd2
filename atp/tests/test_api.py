"""POST /api/v2/atp/check/ over the real URL, auth and database."""

import datetime as dt
import json

import pytest

from atp.models import AtpCheck
from cashsheet.api.middleware import SiloMiddleware
from webhooks.models import Event

URL = "/api/v2/atp/check/"


@pytest.fixture
def stocked(net):
    plant = net.facility(code="BLYTHE")
    item = net.item(price="14.20", code="112A")
    net.stock(plant, item, 5000)
    return plant, item


def body(net, **over):
    data = {"facility_id": "BLYTHE", "imps_code": "112A", "quantity_lb": 2400, "delivery_date": str(net.day(3))}
    data.update(over)
    return data


def test_check_answers_the_help_page_shape_with_numbers_and_records_it(api, net, stocked):
    response = api.post(URL, body(net), format="json")
    assert response.status_code == 200, response.content
    data = json.loads(response.content)
    assert data["result"] == "feasible"
    assert data["available_lb"] == 2400 and isinstance(data["available_lb"], int | float)
    assert data["marginal_price_per_lb"] == 14.2
    assert data["source_facility"] == "BLYTHE"
    assert isinstance(data["solver_latency_ms"], int | float)
    assert data["sources"][0]["facility_id"] == "BLYTHE"
    check = AtpCheck.objects.get(pk=data["check_id"])
    assert check.result == "feasible"
    assert Event.objects.filter(type="atp.checked", data__object__check_id=data["check_id"]).exists()
    listed = api.get("/api/v2/atp/checks/?facility_id=blythe").json()
    assert listed["results"][0]["id"] == data["check_id"]


@pytest.mark.parametrize(
    "over,field",
    [
        ({"facility_id": "NOWHERE"}, "facility_id"),
        ({"imps_code": "999Z"}, "imps_code"),
        ({"quantity_lb": 0}, "quantity_lb"),
        ({"quantity_lb": -3}, "quantity_lb"),
        ({"quantity_lb": 1e12}, "quantity_lb"),
        ({"quantity_lb": "lots"}, "quantity_lb"),
        ({"delivery_date": "2001-01-01"}, "delivery_date"),
        ({"delivery_date": "not a date"}, "delivery_date"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_records_nothing(api, net, stocked, over, field):
    response = api.post(URL, body(net, **over), format="json")
    assert response.status_code == 400, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not AtpCheck.objects.exists()


def test_beyond_the_silo_horizon_is_a_400(api, net, stocked, silo):
    late = net.day(silo.atp_horizon_days + 1)
    response = api.post(URL, body(net, delivery_date=str(late)), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "delivery_date"
    assert "horizon" in response.json()["errors"][0]["message"]


def test_malformed_json_is_a_400_json(api):
    response = api.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_needs_the_run_atpcheck_permission(make_user, client_for, net, stocked):
    denied = client_for(make_user("atp.view_atpcheck"))
    assert denied.post(URL, body(net), format="json").status_code == 403
    allowed = client_for(make_user("atp.run_atpcheck"))
    assert allowed.post(URL, body(net), format="json").status_code == 200


def test_impossible_time_limit_answers_503_json(api, net, stocked, silo):
    from silos.models import Silo

    Silo.objects.filter(pk=silo.pk).update(atp_time_limit_ms=0)
    SiloMiddleware.forget()
    try:
        # More than on hand: outside the price table's range, so it needs a solve (a lookup has no solve to limit).
        response = api.post(URL, body(net, quantity_lb=6000), format="json")
    finally:
        Silo.objects.filter(pk=silo.pk).update(atp_time_limit_ms=150)
        SiloMiddleware.forget()
    assert response.status_code == 503
    assert "time limit" in response.json()["detail"]


def test_partial_answer_names_earliest_date_and_alternatives(api, net):
    a, b = net.facility(code="BLYTHE"), net.facility()
    item = net.item(price="8.00", code="112A")
    net.stock(a, item, 1000)
    net.stock(b, item, 5000)
    net.lane(b, a, lead=2, cost="0.50")
    response = api.post(URL, body(net, quantity_lb=2400, delivery_date=str(net.day(1))), format="json")
    data = response.json()
    assert data["result"] == "partial" and data["available_lb"] == 1000
    assert data["earliest_date_full"] == str(net.day(2))
    assert data["alternatives"][0] == {"facility_id": b.code, "available_lb": 2400, "marginal_price_per_lb": 8.0}


def test_openapi_documents_the_check(api):
    schema = api.get("/api/v2/openapi.json").json()
    assert "/api/v2/atp/check/" in schema["paths"]
    assert "/api/v2/lp-runs/" in schema["paths"]


def test_dates_are_iso(net):
    assert isinstance(net.day(0), dt.date)
