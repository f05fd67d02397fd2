"""The check through a real gunicorn: numbers in, numbers out, and the record written after the answer."""

import time

import pytest
import requests

from atp.models import AtpCheck
from webhooks.models import Event


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, django_db_blocker):
    # Our own server rather than the root `live_server`: a fixture by that name also triggers pytest-django's
    # live-server helper (transactional_db), which these committed-data tests must not use.
    from cashsheet.testing.servers import Gunicorn

    server = Gunicorn(workers=1)
    original = requests.get

    def patient_get(url, *args, **kwargs):
        # Its health probe waits 1 s and gives up on a read time-out while the worker still imports Django
        # (a loaded 2-core machine): give the probe time instead. Only the probe's client timeout changes.
        kwargs["timeout"] = 15
        return original(url, *args, **kwargs)

    requests.get = patient_get
    try:
        with django_db_blocker.unblock():
            server.start(timeout=120)
    except Exception:
        server.stop()
        raise
    finally:
        requests.get = original
    yield server
    server.stop()


@pytest.fixture
def http(gunicorn, live_silo, live_admin_token):
    session = requests.Session()
    session.headers.update({"Host": live_silo.host, "Authorization": f"Bearer {live_admin_token}"})
    session.url = gunicorn.url
    yield session
    session.close()


def test_check_over_http_answers_then_records(http, live_net, committed):
    plant = live_net.facility()
    item = live_net.item(price="14.20")
    live_net.stock(plant, item, 5000)
    body = {"facility_id": plant.code, "imps_code": item.imps_code, "quantity_lb": 2400,
            "delivery_date": str(live_net.day(3))}  # fmt: skip
    response = http.post(f"{http.url}/api/v2/atp/check/", json=body, timeout=30)
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["result"], data["available_lb"], data["marginal_price_per_lb"]) == ("feasible", 2400, 14.2)
    deadline = time.monotonic() + 10
    while not AtpCheck.objects.filter(pk=data["check_id"]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert AtpCheck.objects.get(pk=data["check_id"]).available_lb == 2400
    assert Event.objects.filter(type="atp.checked", data__object__check_id=data["check_id"]).exists()
    bad = http.post(f"{http.url}/api/v2/atp/check/", data="{oops", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.headers["Content-Type"].startswith("application/json")
