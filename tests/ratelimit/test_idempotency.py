"""Idempotency-Key on writes, as an integration sees it: a retried POST or PATCH happens once.

(Issue 8 asks for sales orders and receipts; those resources are being built in parallel, so customers
stand in: the middleware is the same for every POST and PATCH under /api/.)
"""

import threading
import uuid

from django.db import connection
from rest_framework.test import APIClient

from cashsheet.testing import unique
from parties.models import Customer

LIST = "/api/v2/customers/"


def post(client, body, key, **extra):
    return client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def test_a_customer_posted_twice_with_one_key_is_created_once(api):
    body = {"code": unique("IDEM"), "name": "Acme Steakhouse"}
    key = str(uuid.uuid4())
    first = post(api, body, key)
    second = post(api, body, key)
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Customer.objects.filter(code=body["code"]).count() == 1
    assert "X-RateLimit-Remaining" in second  # a replay is still an API response


def test_same_key_with_a_different_body_is_422_and_changes_nothing(api):
    key = str(uuid.uuid4())
    code = unique("IDEM")
    assert post(api, {"code": code, "name": "Acme"}, key).status_code == 201
    response = post(api, {"code": code + "X", "name": "Acme"}, key)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "idempotency_key_reused"
    assert body["errors"][0]["field"] == "Idempotency-Key"
    assert not Customer.objects.filter(code=code + "X").exists()
    # The same key on another endpoint is a different request too.
    other = Customer.objects.get(code=code)
    patch = api.patch(f"{LIST}{other.pk}/", {"name": "B"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert patch.status_code == 422
    other.refresh_from_db()
    assert other.name == "Acme"


def test_key_longer_than_255_characters_is_400_naming_the_header(api):
    code = unique("IDEM")
    response = post(api, {"code": code, "name": "Acme"}, "k" * 256)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "Idempotency-Key", "code": "invalid", "message": response.json()["errors"][0]["message"]}
    ]
    assert "255" in response.json()["errors"][0]["message"]
    assert "X-RateLimit-Limit" in response
    assert not Customer.objects.filter(code=code).exists()
    assert post(api, {"code": code, "name": "Acme"}, "k" * 255).status_code == 201


def test_patch_retry_is_replayed_without_a_second_write(api):
    customer = api.post(LIST, {"code": unique("IDEM"), "name": "Old"}, format="json").json()
    url = f"{LIST}{customer['id']}/"
    key = str(uuid.uuid4())
    first = api.patch(url, {"name": "Retried"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 200
    assert api.patch(url, {"name": "Changed since"}, format="json").status_code == 200
    retry = api.patch(url, {"name": "Retried"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"
    assert retry.json()["name"] == "Retried"  # the stored answer...
    assert Customer.objects.get(pk=customer["id"]).name == "Changed since"  # ...and the write did not repeat


def test_a_refused_request_does_not_use_up_its_key(api):
    key = str(uuid.uuid4())
    code = unique("IDEM")
    bad = post(api, {"code": code, "name": "Acme", "credit_limit": "-1"}, key)
    assert bad.status_code == 400
    fixed = post(api, {"code": code, "name": "Acme"}, key)
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed


def test_keys_are_scoped_to_the_token(api, client_for, make_user):
    other = client_for(make_user("parties.add_customer"))
    key = str(uuid.uuid4())
    body = {"code": unique("IDEM"), "name": "Acme"}
    assert post(api, body, key).status_code == 201
    response = post(other, body, key)  # not a replay of someone else's request: it runs, and conflicts
    assert response.status_code == 409 and "Idempotent-Replayed" not in response


def _committed_client(silo, raw: str) -> APIClient:
    client = APIClient(HTTP_HOST=silo.host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _live_token(silo):
    from django.contrib.auth import get_user_model

    from silos.members.services import token_create

    _, raw = token_create(user=get_user_model().objects.get(username="admin"), name=unique("idem"))
    return raw


def test_concurrent_duplicates_create_one_record(committed):
    raw = _live_token(committed)
    body = {"code": unique("IDEM"), "name": "Concurrent"}
    key = str(uuid.uuid4())
    start = threading.Barrier(8)
    results = []

    def send():
        try:
            start.wait()
            response = post(_committed_client(committed, raw), body, key)
            results.append((response.status_code, response.get("Idempotent-Replayed"), response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Customer.objects.filter(code=body["code"]).count() == 1
    created = [r for r in results if r[0] == 201 and r[1] is None]
    assert len(created) == 1
    for status, replayed, payload in results:
        assert (status, replayed) in {(201, None), (201, "true"), (409, None)}, payload
        if status == 201:
            assert payload["id"] == created[0][2]["id"]
        else:
            assert payload["code"] == "idempotency_key_in_progress"


def test_retry_while_the_first_request_is_still_running_is_409(committed):
    """The first request is held up at the database (another transaction owns its customer code)."""
    from django.db import connections, transaction

    raw = _live_token(committed)
    code = unique("IDEM")
    key = str(uuid.uuid4())
    blocker_holds, release = threading.Event(), threading.Event()
    first_result = {}

    def blocker():  # a concurrent transaction that inserted the same code and has not committed yet
        try:
            connection.set_tenant(committed)
            with transaction.atomic():
                Customer.objects.create(code=code, name="Blocker")
                blocker_holds.set()
                release.wait(10)
                transaction.set_rollback(True)
        finally:
            connection.close()

    def first():
        try:
            first_result["response"] = post(_committed_client(committed, raw), {"code": code, "name": "A"}, key)
        finally:
            connection.close()

    threads = [threading.Thread(target=blocker), threading.Thread(target=first)]
    threads[0].start()
    assert blocker_holds.wait(10)
    threads[1].start()
    # Wait until the first request is blocked inside the database on the uncommitted code.
    with connections["default"].cursor() as cursor:
        for _ in range(100):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
    client = _committed_client(committed, raw)
    retry = post(client, {"code": code, "name": "A"}, key)
    assert retry.status_code == 409 and retry["Retry-After"] == "1"
    assert retry.json()["code"] == "idempotency_key_in_progress"

    release.set()
    for t in threads:
        t.join(20)
    assert first_result["response"].status_code == 201
    again = post(client, {"code": code, "name": "A"}, key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first_result["response"].json()["id"]
    assert Customer.objects.filter(code=code).count() == 1


def test_outcomes_are_kept_24_hours_then_purged(api):
    from datetime import timedelta

    from django.utils import timezone

    from silos.members.models import IdempotencyRecord
    from silos.members.tasks import idempotency_records_purge_all

    key = str(uuid.uuid4())
    body = {"code": unique("IDEM"), "name": "Kept"}
    assert post(api, body, key).status_code == 201
    record = IdempotencyRecord.objects.get(key=key)
    assert timedelta(hours=23, minutes=59) < record.expires_at - timezone.now() <= timedelta(hours=24)
    idempotency_records_purge_all()
    assert post(api, body, key)["Idempotent-Replayed"] == "true"  # still within 24 h

    IdempotencyRecord.objects.filter(pk=record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert idempotency_records_purge_all() >= 1
    assert not IdempotencyRecord.objects.filter(pk=record.pk).exists()


def test_a_worker_killed_mid_request_does_not_strand_its_key(rl_gunicorn, committed):
    """SIGKILL the gunicorn workers while the first request is inside the database: its transaction is rolled
    back and its lock released with its connection, so the retry runs afresh and creates the record once."""
    import psutil
    import requests
    from django.db import transaction

    raw = _live_token(committed)
    code = unique("CRASH")
    key = str(uuid.uuid4())
    url = f"{rl_gunicorn.url}{LIST}"
    headers = {"Host": committed.host, "Authorization": f"Bearer {raw}", "Idempotency-Key": key}
    blocker_holds, release = threading.Event(), threading.Event()
    first_outcome = {}

    def blocker():
        try:
            connection.set_tenant(committed)
            with transaction.atomic():
                Customer.objects.create(code=code, name="Blocker")
                blocker_holds.set()
                release.wait(20)
                transaction.set_rollback(True)
        finally:
            connection.close()

    def first():
        try:
            first_outcome["status"] = requests.post(url, json={"code": code, "name": "A"}, headers=headers).status_code
        except requests.ConnectionError as exc:
            first_outcome["error"] = exc

    threads = [threading.Thread(target=blocker), threading.Thread(target=first)]
    threads[0].start()
    assert blocker_holds.wait(10)
    threads[1].start()
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
    for worker in psutil.Process(rl_gunicorn.proc.pid).children():
        worker.kill()  # the first request dies inside its transaction; gunicorn starts new workers
    release.set()
    threads[0].join(20)
    threads[1].join(20)
    assert "error" in first_outcome, first_outcome  # the client saw the crash: it will retry

    deadline = threading.Event()
    for _ in range(100):  # 409 until PostgreSQL has noticed the dead connection and released its lock
        retry = requests.post(url, json={"code": code, "name": "A"}, headers=headers, timeout=10)
        if retry.status_code != 409:
            break
        deadline.wait(0.1)
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers
    assert Customer.objects.filter(code=code).count() == 1
    again = requests.post(url, json={"code": code, "name": "A"}, headers=headers, timeout=10)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
