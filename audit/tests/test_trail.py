"""The audit trail as its readers see it: real writes through HTTP, the silo UI and a command, then GET."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client

from audit.models import AuditEvent
from cashsheet.testing import unique
from cashsheet.testing.servers import child_env
from parties.models import Customer
from silos.members.models import ApiToken

URL = "/api/v2/audit-events/"


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def test_api_writes_record_actor_token_and_diff(api, admin_user):
    created = api.post(
        "/api/v2/customers/", {"code": "AUD1", "name": "Audit One", "credit_limit": "1500.50"}, format="json"
    )
    assert created.status_code == 201, created.content
    customer_id = created.json()["id"]
    changed = api.patch(f"/api/v2/customers/{customer_id}/", {"name": "Audit Uno"}, format="json")
    assert changed.status_code == 200

    insert, update = events(resource="parties.customer", object_id=str(customer_id))
    prefix = ApiToken.objects.get(user=admin_user).prefix
    for event in (insert, update):
        assert (event.actor_user_id, event.actor_username, event.token_prefix, event.via) == (
            admin_user.pk,
            admin_user.username,
            prefix,
            "api",
        )
    assert insert.action == "insert" and insert.changes()["name"] == (None, "Audit One")
    assert insert.changes()["credit_limit"] == (None, "1500.50")  # money keeps its exact text, never a float
    # Only what changed, before and after (updated_at is left out of every diff).
    assert update.action == "update" and update.changes() == {"name": ("Audit One", "Audit Uno")}

    listed = api.get(URL, {"resource": "parties.customer", "object_id": customer_id}).json()
    assert list(listed) == ["next", "previous", "results"]
    newest = listed["results"][0]
    assert newest["action"] == "update" and newest["changes"] == {"name": {"before": "Audit One", "after": "Audit Uno"}}
    assert (newest["user_id"], newest["username"], newest["token_prefix"], newest["via"]) == (
        admin_user.pk,
        admin_user.username,
        prefix,
        "api",
    )
    assert api.get(f"{URL}{newest['id']}/").json() == newest


def test_no_write_is_attributed_to_an_earlier_request(api, silo, make_user, client_for):
    """Token requests set their actor in the token lookup itself; any other request clears a stale one."""
    other = make_user("parties.add_customer", username=unique("other").lower())
    assert api.post("/api/v2/customers/", {"code": "AUD2", "name": "Audit Two"}, format="json").status_code == 201
    second = client_for(other).post("/api/v2/customers/", {"code": "AUD3", "name": "Audit Three"}, format="json")
    (event,) = events(resource="parties.customer", object_id=str(second.json()["id"]))
    assert (event.actor_user_id, event.actor_username, event.via) == (other.pk, other.username, "api")

    def raw_write_after(request) -> AuditEvent:
        request()
        later = Customer.objects.create(code=unique("AUDRAW"), name="Raw write")  # no request: the system's
        return events(resource="parties.customer", object_id=str(later.pk))[0]

    browser = Client(HTTP_HOST=silo.host)
    for request in (
        lambda: browser.get("/login/"),  # a UI page
        lambda: Client(HTTP_HOST=silo.host, HTTP_AUTHORIZATION="Bearer cs_made_up").get("/api/v2/customers/"),
        lambda: Client(HTTP_HOST=silo.host, HTTP_AUTHORIZATION="Basic x").get("/api/v2/customers/"),
    ):
        assert api.get("/api/v2/customers/").status_code == 200  # the admin's token is the actor now
        event = raw_write_after(request)
        assert (event.actor_user_id, event.actor_username, event.token_prefix, event.via) == (None, "", "", "system")


def test_ui_writes_record_the_signed_in_user_and_never_the_secret(silo, make_user):
    user = make_user(username=unique("uiaudit").lower())
    user.set_password("correct horse battery")
    user.save()
    browser = Client(HTTP_HOST=silo.host)
    assert browser.post("/login/", {"username": user.username, "password": "correct horse battery"}).status_code == 302
    page = browser.post("/profile/tokens/", {"name": "bi-tool", "expiry": "90"}, follow=True).content.decode()
    raw = page.split('id="new-token">')[1].split("<")[0]
    token = ApiToken.objects.get(user=user, name="bi-tool")

    (event,) = events(resource="members.apitoken", object_id=str(token.pk))
    assert (event.actor_user_id, event.actor_username, event.token_prefix, event.via) == (
        user.pk,
        user.username,
        "",
        "ui",
    )
    assert event.changes()["digest"] == (None, "[redacted]")
    assert event.changes()["prefix"] == (None, token.prefix)
    # The password hash set above (a system write in this test) is redacted as well.
    for stored in AuditEvent.objects.filter(resource="auth.user", object_id=str(user.pk)):
        assert stored.changes()["password"][1] == "[redacted]"
    text = "".join(f"{e.before}{e.after}" for e in AuditEvent.objects.all())
    assert token.digest not in text and raw not in text and user.password not in text
    # Signing in wrote last_login only, an ignored column: no event.
    last = events(resource="auth.user", object_id=str(user.pk))[-1]
    assert "last_login" not in f"{last.before}{last.after}" and last.via == "system"


def test_webhook_signing_secrets_are_never_copied(api):
    created = api.post(
        "/api/v2/webhook-endpoints/", {"url": "https://93.184.215.14/hooks/audit", "events": ["*"]}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    (event,) = events(resource="webhooks.webhookendpoint", object_id=str(body["id"]))
    assert event.changes()["secret"] == (None, "[redacted]")
    from webhooks.models import WebhookEndpoint

    stored = WebhookEndpoint.objects.get(pk=body["id"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhookendpoint WHERE id = %s", [stored.pk])
        (ciphertext,) = cursor.fetchone()
    text = f"{event.before}{event.after}"
    assert ciphertext not in text and stored.secret not in text
    assert [v for k, v in body.items() if "secret" in k and isinstance(v, str) and v and v in text] == []


def test_a_command_records_itself_as_the_actor(committed):
    name = unique("cmd-audit")
    done = subprocess.run(
        [sys.executable, "manage.py", "create_token", "--silo", "live", "--user", "admin", "--name", name],
        cwd=settings.BASE_DIR,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    raw = done.stdout.strip().splitlines()[-1]
    token = ApiToken.objects.get(name=name)
    (event,) = events(resource="members.apitoken", object_id=str(token.pk))
    assert event.via == "command:create_token" and event.actor_user_id is None and event.action == "insert"
    assert event.changes()["name"] == (None, name) and event.changes()["digest"] == (None, "[redacted]")
    assert raw not in str(event.after) and token.digest not in str(event.after)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET via = 'forged'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "UPDATE audit_auditevent SET via = 'forged' WHERE false",  # refused even when it matches nothing
    ],
)
def test_the_trail_is_append_only(silo, statement):
    Customer.objects.create(code=unique("AO"), name="Append only")
    before = list(AuditEvent.objects.values_list("id", "via", "after"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert list(AuditEvent.objects.values_list("id", "via", "after")) == before
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=before[0][0]).update(via="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=before[0][0]).delete()


def test_deletes_record_the_row_as_it_was(silo):
    customer = Customer.objects.create(code=unique("DEL"), name="Going away")
    customer_id = customer.pk
    customer.delete()
    insert, delete = events(resource="parties.customer", object_id=str(customer_id))
    assert delete.action == "delete" and delete.changes()["name"] == ("Going away", None)
    assert delete.transaction_id != insert.transaction_id or delete.id > insert.id


def test_permission_is_view_auditevent_only(make_user, client_for, api):
    nobody = client_for(make_user("parties.view_customer", "parties.add_customer"))
    denied = nobody.get(URL)
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    viewer = client_for(make_user("audit.view_auditevent"))
    assert viewer.get(URL).status_code == 200
    # Nobody writes the trail through the API.
    assert api.post(URL, {"resource": "x"}, format="json").status_code == 405
    assert api.delete(f"{URL}1/").status_code == 405


def test_silos_see_only_their_own_trail(api, silo, silo_beta, client_for):
    created = api.post("/api/v2/customers/", {"code": "ISO1", "name": "Alpha only"}, format="json")
    alpha_event = events(resource="parties.customer", object_id=str(created.json()["id"]))[0]
    connection.set_tenant(silo_beta)
    try:
        from django.contrib.auth import get_user_model

        beta_admin = get_user_model().objects.create_user(username=unique("beta").lower(), is_superuser=True)
        beta = client_for(beta_admin, host=silo_beta.host)
        listed = beta.get(URL, {"page_size": 200}).json()["results"]
        assert all(row["changes"].get("code", {}).get("after") != "ISO1" for row in listed)
        detail = beta.get(f"{URL}{alpha_event.pk}/")
        assert (
            detail.status_code == 404
            or detail.json()["resource"] != "parties.customer"
            or (detail.json()["changes"].get("code", {}).get("after") != "ISO1")
        )
        assert not AuditEvent.objects.filter(resource="parties.customer", after__code="ISO1").exists()
    finally:
        connection.set_tenant(silo)
    # Alpha's admin token is unknown at beta's host.
    other_host = Client(HTTP_HOST=silo_beta.host, HTTP_AUTHORIZATION=f"Bearer {api.raw_token}")
    assert other_host.get(URL).status_code == 401


def test_filters(api, admin_user, make_user):
    other = make_user()  # a system write (no request yet)
    first = api.post("/api/v2/customers/", {"code": "FLT1", "name": "Filter one"}, format="json").json()["id"]
    vendor = api.post("/api/v2/vendors/", {"code": "FLTV", "name": "Filter vendor"}, format="json").json()["id"]
    event = events(resource="parties.customer", object_id=str(first))[0]

    def ids(**params):
        response = api.get(URL, {"page_size": 200, **params})
        assert response.status_code == 200, response.content
        return {(row["resource"], row["object_id"]) for row in response.json()["results"]}

    assert ids(resource="parties.customer", object_id=first) == {("parties.customer", str(first))}
    assert ids(resource="parties.customer,parties.vendor") >= {
        ("parties.customer", str(first)),
        ("parties.vendor", str(vendor)),
    }
    assert ("parties.vendor", str(vendor)) in ids(user=admin_user.pk)
    assert ("parties.vendor", str(vendor)) in ids(user=admin_user.username)
    assert ("auth.user", str(other.pk)) not in ids(user=admin_user.username)
    assert ("auth.user", str(other.pk)) in ids(via="system", resource="auth.user")
    assert ids(token_prefix=event.token_prefix, action="insert") >= {("parties.customer", str(first))}
    # (A test is one transaction, so every write in it shares the id.)
    assert ("parties.customer", str(first)) in ids(transaction_id=event.transaction_id)
    assert ids(transaction_id=event.transaction_id + 1) == set()
    stamp = event.occurred_at.isoformat()
    assert ("parties.customer", str(first)) in ids(occurred_after=stamp)
    assert ("parties.customer", str(first)) not in ids(occurred_before=stamp)
    assert ("parties.customer", str(first)) in ids(
        occurred_after=event.occurred_at.replace(hour=0, minute=0, second=0, microsecond=0).isoformat()
    )


def test_cursor_pages_walk_the_whole_trail(api, silo):
    for i in range(7):
        Customer.objects.create(code=unique(f"PG{i}"), name=f"Page {i}")
    seen, url = [], URL + "?page_size=3&resource=parties.customer"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) >= 7


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "²"},
        {"page_size": "²"},
        {"page_size": "0"},
        {"occurred_after": "yesterday"},
        {"occurred_before": "2026-13-45"},
        {"action": "truncate"},
    ],
)
def test_bad_input_is_400_naming_the_field(api, params):
    response = api.get(URL, params)
    assert response.status_code == 400, response.content
    assert {e["field"] for e in response.json()["errors"]} == set(params)


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "-1", "x" * 500, "a,b,,", " "])
def test_odd_filter_values_answer_200(api, value):
    for name in ("resource", "object_id", "user", "token_prefix", "via", "transaction_id"):
        response = api.get(URL, {name: value})
        assert response.status_code == 200, (name, response.content)
