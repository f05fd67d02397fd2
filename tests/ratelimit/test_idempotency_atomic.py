"""Idempotency-Key outcomes commit with their write, and never hold a secret (issue 18).

The outcome is stored inside the write's own durable transaction (cashsheet.api.viewsets), so no
failure between the two can leave a write without its record: proved on a real gunicorn against a
real PostgreSQL, with the record's INSERT made to fail by a trigger.
"""

import uuid

import pytest
from django.db import connection

from parties.models import Customer
from silos.members.models import IdempotencyRecord

PUBLIC_URL = "https://93.184.215.14/hooks/cashsheet"  # a public address literal: no DNS needed
FAILING = "fail-on-record-"


@pytest.fixture
def record_insert_fails(committed):
    """Make PostgreSQL refuse to store any idempotency record whose key starts with FAILING (silo `live`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION live.cs_test_refuse_record() RETURNS trigger AS $$
            BEGIN
                IF NEW.key LIKE '{FAILING}%' THEN RAISE EXCEPTION 'record store failed (test)'; END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER cs_test_refuse_record BEFORE INSERT ON live.members_idempotencyrecord
                FOR EACH ROW EXECUTE FUNCTION live.cs_test_refuse_record();
            """
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS cs_test_refuse_record ON live.members_idempotencyrecord")
        cursor.execute("DROP FUNCTION IF EXISTS live.cs_test_refuse_record()")


@pytest.mark.live
def test_a_failed_record_store_rolls_the_write_back(record_insert_fails, live_http):
    code = f"ATOM{uuid.uuid4().hex[:8].upper()}"
    key = f"{FAILING}{uuid.uuid4()}"
    body = {"code": code, "name": "Atomic Meats"}
    failed = live_http.post("/api/v2/customers/", json=body, headers={"Idempotency-Key": key})
    assert failed.status_code == 500 and failed.json()["code"] == "server_error"
    # The customer rolled back with its record: a retry cannot find a write it would repeat.
    assert not Customer.objects.filter(code=code).exists()
    assert not IdempotencyRecord.objects.filter(key=key).exists()

    ok_key = str(uuid.uuid4())
    first = live_http.post("/api/v2/customers/", json=body, headers={"Idempotency-Key": ok_key})
    again = live_http.post("/api/v2/customers/", json=body, headers={"Idempotency-Key": ok_key})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Customer.objects.filter(code=code).count() == 1
    assert IdempotencyRecord.objects.get(key=ok_key).response_status == 201


def _replayed(client, url, body, key):
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code in (200, 201) and again.status_code == first.status_code, first.content
    assert again["Idempotent-Replayed"] == "true"
    return first.json(), again.json()


def test_a_token_replay_never_carries_the_secret(api):
    key = str(uuid.uuid4())
    first, again = _replayed(api, "/api/v2/tokens/", {"name": "crm-sync"}, key)
    assert first["token"].startswith("cs_") and "secret_shown_once" not in first
    assert again["token"] is None and again["secret_shown_once"] is True
    assert {k: v for k, v in again.items() if k not in ("token", "secret_shown_once")} == {
        k: v for k, v in first.items() if k != "token"
    }
    assert first["token"] not in IdempotencyRecord.objects.get(key=key).response_body


def test_webhook_secret_replays_are_scrubbed_on_create_and_rotate(api):
    key = str(uuid.uuid4())
    first, again = _replayed(api, "/api/v2/webhook-endpoints/", {"url": PUBLIC_URL, "events": ["*"]}, key)
    assert first["secret"].startswith("whsec_")
    assert again["secret"] is None and again["secret_shown_once"] is True and again["id"] == first["id"]
    rotate_key = str(uuid.uuid4())
    rotated, replayed = _replayed(api, f"/api/v2/webhook-endpoints/{first['id']}/rotate-secret/", {}, rotate_key)
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != first["secret"]
    assert replayed["secret"] is None and replayed["secret_shown_once"] is True
    for k in (key, rotate_key):
        body = IdempotencyRecord.objects.get(key=k).response_body
        assert "whsec_" not in body
