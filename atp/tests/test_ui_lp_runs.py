"""LP runs in the silo UI: start (the API's service), the run's page polling while queued or running, the
plan once solved, the CSV download; the API's permissions."""

from atp.models import LpRun
from cashsheet.testing.ui import text, ui_client


def test_start_a_run_then_watch_it_and_read_the_plan(silo, make_user):
    client = ui_client(silo, make_user("atp.view_lprun", "atp.add_lprun"))
    assert "New LP run" in text(client.get("/lp-runs/"))
    bad = client.post("/lp-runs/start/", {"solver": "gurobi"})
    assert bad.status_code == 200 and 'id="id_solver_error"' in bad.content.decode()
    started = client.post("/lp-runs/start/", {"solver": "highs"})
    run = LpRun.objects.get(requested_by__isnull=False, solver="highs", status="queued")
    assert started.status_code == 302 and started["Location"] == f"/lp-runs/{run.pk}/"
    page = client.get(started["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page and "waiting for a worker" in page
    LpRun.objects.filter(pk=run.pk).update(status="running")
    assert "solving for" in client.get(started["Location"], HTTP_HX_REQUEST="true").content.decode()
    rows = [
        {
            "kind": "cut",
            "date": "2026-12-03",
            "facility_id": "BLYTHE",
            "to_facility_id": None,
            "pattern": "=CMD()",
            "imps_code": "112A",
            "lb": 240.5,
        },
        {
            "kind": "transfer",
            "date": "2026-12-04",
            "facility_id": "BLYTHE",
            "to_facility_id": "DENVER",
            "pattern": None,
            "imps_code": "112A",
            "lb": 10,
        },
    ]  # as the worker writes them: facility codes
    LpRun.objects.filter(pk=run.pk).update(status="succeeded", duration_ms=812, objective="-120.50",
                                           plan={"rows": rows, "components": 1, "shortfall_lb": 0})  # fmt: skip
    done = client.get(started["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in done and "succeeded" in done and "240.5" in done and "812 ms" in done
    assert "<td>BLYTHE</td><td>DENVER</td>" in done
    csv = client.get(f"/lp-runs/{run.pk}/plan.csv")
    body = csv.content.decode()
    assert csv["Content-Type"].startswith("text/csv") and body.startswith("kind,date,facility_id")
    assert "'=CMD()" in body  # a formula is never a formula in a spreadsheet


def test_a_viewer_cannot_start_a_run(silo, make_user):
    client = ui_client(silo, make_user("atp.view_lprun"))
    assert "New LP run" not in text(client.get("/lp-runs/"))
    assert client.post("/lp-runs/start/", {"solver": "highs"}).status_code == 403
    assert ui_client(silo, make_user()).get("/lp-runs/").status_code == 403
