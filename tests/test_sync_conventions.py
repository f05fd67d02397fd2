"""What an incremental sync relies on: keyset cursors, the envelope, updated_since, no-op PATCH, tombstones, 409s.

(The concurrent proof over real HTTP, with late commits, is tests/test_sync_concurrent.py.)
"""

from __future__ import annotations

import pytest

URL = "/api/v2/customers/"


def _walk(api, url):
    seen, pages = [], 0
    while url:
        body = api.get(url).json()
        assert set(body) >= {"count", "next", "previous", "results", "cursor"}, body
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        pages += 1
        yield body, seen
    return


def test_cursor_walk_is_stable_while_rows_are_inserted_and_updated(api):
    ids = [api.post(URL, {"code": f"CW{n:02}", "name": f"n{n}"}, format="json").json()["id"] for n in range(23)]
    seen: list[int] = []
    url = f"{URL}?cursor=&page_size=5&search=CW"
    inserted = 0
    for body, seen in _walk(api, url):
        assert body["previous"] is None
        # Between pages: a new row and an update of one already passed (page numbers would shift).
        inserted += 1
        api.post(URL, {"code": f"CWX{inserted}", "name": "late"}, format="json")
        api.patch(f"{URL}{seen[0]}/", {"name": f"renamed{inserted}"}, format="json")
    assert len(seen) == len(set(seen)), "no row twice"
    assert set(ids) <= set(seen), "no row missed"
    assert seen[: len(ids)] == ids, "created_at, id order"


def test_cursor_orders_and_refuses_what_it_cannot_key(api):
    for n in range(3):
        api.post(URL, {"code": f"CO{n}", "name": f"n{n}"}, format="json")
    newest = api.get(f"{URL}?cursor=&ordering=-created_at&page_size=2").json()
    assert [r["code"] for r in newest["results"]] == ["CO2", "CO1"]
    rest = api.get(newest["next"]).json()
    assert [r["code"] for r in rest["results"]][:1] == ["CO0"]
    by_name = api.get(f"{URL}?cursor=&ordering=name")
    assert by_name.status_code == 400 and by_name.json()["errors"][0]["field"] == "ordering"
    for junk in ("not-a-cursor", "eyJtIjoiY3JlYXRlZCIsImQiOmZhbHNlLCJrIjpbMV19", "e30", "\u00e9"):
        response = api.get(URL, {"cursor": junk})
        assert response.status_code == 400 and response.json()["errors"][0]["field"] == "cursor", junk
    other = api.get(f"{URL}?cursor={newest['cursor']}&ordering=created_at")
    assert other.status_code == 400, "a cursor is tied to its ordering"


def test_page_numbers_keep_the_documented_envelope(api):
    body = api.get(f"{URL}?page=1&page_size=2").json()
    assert set(body) == {"count", "next", "previous", "results"}


@pytest.mark.parametrize("value", ["2026-03-01T15:04:05", "2026-03-01 15:04:05.123456"])
def test_updated_since_refuses_a_naive_date_time(api, value):
    response = api.get(URL, {"updated_since": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "updated_since"
    assert "time zone" in response.json()["errors"][0]["message"]


def test_updated_since_is_inclusive_and_answers_next_updated_since(api):
    created = api.post(URL, {"code": "INCL", "name": "x"}, format="json").json()
    body = api.get(URL, {"updated_since": created["updated_at"]}).json()
    assert created["id"] in [row["id"] for row in body["results"]], "inclusive, to the microsecond"
    assert body["next_updated_since"]


def test_a_patch_that_changes_nothing_does_not_bump_updated_at(api):
    created = api.post(URL, {"code": "NOOP", "name": "Same", "credit_limit": "10.00"}, format="json").json()
    same = api.patch(f"{URL}{created['id']}/", {"name": "Same", "credit_limit": "10.00"}, format="json")
    assert same.status_code == 200
    assert same.json()["updated_at"] == created["updated_at"]
    changed = api.patch(f"{URL}{created['id']}/", {"name": "Other"}, format="json").json()
    assert changed["updated_at"] > created["updated_at"]


def test_a_delete_leaves_a_tombstone_a_revoke_does_not(api):
    endpoint = api.post(
        "/api/v2/webhook-endpoints/", {"url": "http://127.0.0.1:9/hook", "events": ["ping"]}, format="json"
    ).json()
    since = endpoint["created_at"]
    assert api.delete(f"/api/v2/webhook-endpoints/{endpoint['id']}/").status_code == 204
    token = api.post("/api/v2/tokens/", {"name": "t"}, format="json").json()
    assert api.delete(f"/api/v2/tokens/{token['id']}/").status_code == 204
    body = api.get("/api/v2/deleted-objects/", {"updated_since": since}).json()
    assert [(r["resource"], r["object_id"]) for r in body["results"]] == [("webhook-endpoints", endpoint["id"])]
    assert api.get("/api/v2/deleted-objects/", {"resource": "tokens"}).json()["count"] == 0


def test_a_409_names_each_conflicting_field_with_the_record_that_holds_it(api):
    by_code = api.post(URL, {"code": "C409", "name": "a", "external_ref": "crm-a"}, format="json").json()
    by_ref = api.post(URL, {"code": "D409", "name": "b", "external_ref": "crm-b"}, format="json").json()
    conflict = api.post(URL, {"code": "c409", "name": "c", "external_ref": "crm-b"}, format="json")
    assert conflict.status_code == 409
    body = conflict.json()
    errors = {e["field"]: e for e in body["errors"]}
    assert errors["code"]["existing_id"] == by_code["id"] and errors["code"]["code"] == "unique"
    assert errors["external_ref"]["existing_id"] == by_ref["id"]
    assert body["existing_id"] == by_ref["id"], "the integration key's holder first"


def test_a_sync_cursor_withholds_rows_whose_transaction_is_still_open(api):
    # The test's own transaction wrote this row (in a savepoint) and is still open: a sync must not hand it
    # out yet (a cursor past it would skip what commits before it later). Its xid is newer than the snapshot's
    # xmax whenever another session of the cluster committed meanwhile: the horizon and the row's position
    # must both be read as 64-bit ids that may lie past xmax, or the row looks 2^32 transactions old.
    created = api.post(URL, {"code": "OPEN1", "name": "x"}, format="json").json()
    body = api.get(URL, {"updated_since": created["updated_at"], "cursor": ""}).json()
    assert created["id"] not in [row["id"] for row in body["results"]]
    assert body["cursor"] and body["next"] is None
    again = api.get(URL, {"updated_since": created["updated_at"], "cursor": body["cursor"]})
    assert again.status_code == 200 and again.json()["cursor"] == body["cursor"]


def test_a_row_committed_late_comes_after_the_cursor_never_behind_it(committed, live_admin_token):
    """A writer holds its transaction open while a newer one commits: the sync withholds both, then gives both."""
    import threading

    from django.db import connection, transaction
    from rest_framework.test import APIClient

    from cashsheet.testing import unique
    from parties.services import customer_create

    client = APIClient(HTTP_HOST=committed.host, HTTP_AUTHORIZATION=f"Bearer {live_admin_token}")
    prefix = unique("LATE")
    before = customer_create(code=f"{prefix}-0", name="before")
    since = before.updated_at.isoformat()
    wrote, release, failures = threading.Event(), threading.Event(), []

    def slow_writer():
        try:
            connection.set_tenant(committed)
            with transaction.atomic():
                customer_create(code=f"{prefix}-slow", name="slow")
                wrote.set()
                assert release.wait(30)
        except Exception as exc:  # reported below
            failures.append(exc)
            wrote.set()
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    try:
        assert wrote.wait(30) and not failures, failures
        after = customer_create(code=f"{prefix}-after", name="after")  # a newer transaction, committed first
        first = client.get(URL, {"updated_since": since, "cursor": "", "search": prefix}).json()
        assert [r["code"] for r in first["results"]] == [f"{prefix}-0"], "nothing newer than the open writer"
    finally:
        release.set()
        writer.join()
    assert not failures, failures
    rest = client.get(URL, {"updated_since": since, "cursor": first["cursor"], "search": prefix}).json()
    assert [r["code"] for r in rest["results"]] == [f"{prefix}-slow", after.code], "commit (xid) order"


def test_a_cursor_walks_a_list_whose_rows_have_no_created_at_by_id(api):
    """/permissions/ (Django's rows) has no created_at: the cursor keys it by id instead of failing (was a 500)."""
    first = api.get("/api/v2/permissions/", {"cursor": "", "page_size": 50})
    assert first.status_code == 200, first.content
    seen, url = [], None
    body = first.json()
    while True:
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        if url is None:
            break
        body = api.get(url).json()
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == first.json()["count"]
