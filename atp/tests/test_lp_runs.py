"""LP planning runs in a real Celery worker process, read back over the API (JSON and CSV)."""

import time

import pytest
from rest_framework.test import APIClient

from atp.models import LpRun
from cashsheet.testing.servers import CeleryWorker
from webhooks.models import Event


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        proc = CeleryWorker(concurrency=1).start()
    yield proc
    proc.stop()


def test_lp_run_plans_the_cuts_in_a_worker_and_fires_lp_solve_complete(live_net, committed, live_admin_token, worker):
    # A pattern that creates value (0.5*12 + 0.4*4 = 7.60 > 5.00 + 0.40) is run to capacity: 2 days x 300 lb.
    a = live_net.facility(capacity="300")
    p = live_net.item(price="5.00", category="primal")
    x, t = live_net.item(price="12.00"), live_net.item(price="4.00", category="trim")
    pattern = live_net.pattern(p, {x: "0.50", t: "0.40"}, cost="0.40", facilities=[a])
    live_net.stock(a, p, 100000)
    client = APIClient(HTTP_HOST=committed.host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {live_admin_token}")

    response = client.post("/api/v2/lp-runs/", {}, format="json")
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = LpRun.objects.get(pk=run_id)
        if run.status in ("succeeded", "failed"):
            break
        time.sleep(0.2)
    assert run.status == "succeeded", run.error
    detail = client.get(f"/api/v2/lp-runs/{run_id}/").json()
    cuts = [r for r in detail["plan"]["rows"] if r["kind"] == "cut" and r["pattern"] == pattern.code]
    days = committed.atp_horizon_days + 1
    assert sum(r["lb"] for r in cuts) == pytest.approx(300 * days)
    assert detail["duration_ms"] is not None and detail["objective"] is not None
    csv_text = client.get(f"/api/v2/lp-runs/{run_id}/?format=csv").content.decode()
    assert csv_text.splitlines()[0] == "kind,date,facility_id,to_facility_id,pattern,imps_code,lb"
    assert pattern.code in csv_text
    assert Event.objects.filter(type="lp_solve.complete", data__object__id=run_id).exists()
    listed = client.get("/api/v2/lp-runs/?status=succeeded&ordering=-created_at").json()
    assert listed["results"][0]["id"] == run_id
