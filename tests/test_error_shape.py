"""The error shape's own keys stay what the schema says, whatever context a domain error adds."""

from __future__ import annotations


def test_a_state_conflict_keeps_status_the_http_status_and_gives_the_records_as_current_status(api):
    """Found by schemathesis: a domain error's `status=period.status` replaced the body's `status` ("closed")."""
    period = api.post(
        "/api/v2/periods/", {"name": "2031-05", "start_date": "2031-05-01", "end_date": "2031-05-31"}, format="json"
    ).json()
    assert api.post(f"/api/v2/periods/{period['id']}/close/").status_code == 200
    again = api.post(f"/api/v2/periods/{period['id']}/close/")
    assert again.status_code == 409
    body = again.json()
    assert body["status"] == 409 and body["code"] == "conflict" and body["current_status"] == "closed", body
    assert body["errors"][0]["field"] == "status"
