"""The webhook resources over the real URL, auth header and database (no worker: nothing is sent here)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from webhooks.events import EVENT_TYPES
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint
from webhooks.services import event_emit

BASE = "/api/v2/webhook-endpoints/"
PUBLIC_URL = "https://93.184.215.14/hooks/cashsheet"  # a public address literal: no DNS needed


def create(api, **body):
    return api.post(BASE, {"url": PUBLIC_URL, "events": ["*"], **body}, format="json")


def test_create_shows_secret_once_and_lists_without_it(api):
    r = create(api, description="ERP", events=["invoice.posted", "invoice.posted", "bill.paid"])
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) >= 6 + 32
    assert body["events"] == ["invoice.posted", "bill.paid"]
    assert body["active"] is True and body["api_version"] == "v2"
    assert {"id", "created_at", "updated_at"} <= set(body)
    listed = api.get(BASE).json()["results"]
    assert [e["id"] for e in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api.get(f"{BASE}{body['id']}/").json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": ["invoice.exploded"]}, "events"),
        ({"events": []}, "events"),
        ({"events": ["*", "ping"]}, "events"),
        ({"events": "*"}, "events"),
        ({"url": "ftp://93.184.215.14/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"api_version": "v9"}, "api_version"),
        ({"secret": "whsec_mine"}, "secret"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_changes_nothing(api, body, field):
    r = create(api, **body)
    assert r.status_code == 400, r.content
    assert field in {e["field"] for e in r.json()["errors"]}
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/hook",  # not https
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://100.64.0.1/hook",
    ],
)
def test_private_address_refused_without_the_development_setting(api, settings, url):
    settings.CASHSHEET_WEBHOOK_ALLOW_PRIVATE = False
    r = create(api, url=url)
    assert r.status_code == 400, r.content
    assert r.json()["errors"][0]["field"] == "url"
    assert not WebhookEndpoint.objects.exists()


def test_development_setting_allows_http_loopback_but_never_metadata(api, settings):
    settings.CASHSHEET_WEBHOOK_ALLOW_PRIVATE = True
    assert create(api, url="http://127.0.0.1:8123/hook").status_code == 201
    assert create(api, url="http://169.254.169.254/").status_code == 400


def test_patch_revalidates_url_and_delete_removes(api, settings):
    settings.CASHSHEET_WEBHOOK_ALLOW_PRIVATE = False
    ep = create(api).json()
    r = api.patch(f"{BASE}{ep['id']}/", {"url": "https://10.0.0.1/x"}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "url"
    r = api.patch(f"{BASE}{ep['id']}/", {"events": ["ping"], "description": "d", "active": False}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["events"] == ["ping"] and r.json()["active"] is False and "secret" not in r.json()
    assert api.delete(f"{BASE}{ep['id']}/").status_code == 204
    assert api.get(f"{BASE}{ep['id']}/").status_code == 404


def test_reenabling_clears_the_disabled_reason(api):
    ep = WebhookEndpoint.objects.get(pk=create(api).json()["id"])
    WebhookEndpoint.objects.filter(pk=ep.pk).update(
        active=False, disabled_at=timezone.now(), disabled_reason="410", failing_since=timezone.now()
    )
    body = api.patch(f"{BASE}{ep.pk}/", {"active": True}, format="json").json()
    assert body["active"] is True and body["disabled_reason"] == "" and body["failing_since"] is None


def test_rotate_secret_returns_new_secret_and_keeps_old_for_24h(api):
    ep = create(api).json()
    r = api.post(f"{BASE}{ep['id']}/rotate-secret/")
    assert r.status_code == 200, r.content
    assert r.json()["secret"].startswith("whsec_") and r.json()["secret"] != ep["secret"]
    row = WebhookEndpoint.objects.get(pk=ep["id"])
    assert row.previous_secret == ep["secret"]
    assert timedelta(hours=23) < row.previous_secret_expires_at - timezone.now() <= timedelta(hours=24)


def test_event_emit_writes_deliveries_for_subscribed_active_endpoints_only(api):
    all_ = create(api, events=["*"]).json()["id"]
    orders = create(api, events=["sales_order.created"]).json()["id"]
    create(api, events=["invoice.posted"])
    create(api, events=["*"], active=False)
    event = event_emit(event_type="sales_order.created", obj={"id": 1, "number": "SO-1"})
    assert event.id.startswith("evt_")
    assert set(Delivery.objects.filter(event=event).values_list("endpoint_id", flat=True)) == {all_, orders}
    with pytest.raises(ValueError):
        event_emit(event_type="nope.happened", obj={})


def test_test_action_sends_ping_to_that_endpoint_only(api):
    ep = create(api).json()["id"]
    create(api)
    r = api.post(f"{BASE}{ep}/test/")
    assert r.status_code == 202, r.content
    assert r.json()["type"] == "ping"
    assert list(Delivery.objects.values_list("endpoint_id", flat=True)) == [ep]


def test_event_types_list_every_type_with_an_example(api):
    r = api.get("/api/v2/event-types/")
    assert r.status_code == 200
    rows = {row["name"]: row for row in r.json()["results"]}
    assert set(rows) == set(EVENT_TYPES)
    assert rows["invoice.paid"]["example"]["type"] == "invoice.paid"
    assert "object" in rows["invoice.paid"]["example"]["data"]


def test_events_list_last_30_days_filtered_by_type_and_date(api):
    a = event_emit(event_type="invoice.posted", obj={"id": 1})
    b = event_emit(event_type="bill.posted", obj={"id": 2})
    old = event_emit(event_type="invoice.posted", obj={"id": 3})
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    ids = [e["id"] for e in api.get("/api/v2/events/").json()["results"]]
    assert set(ids) == {a.id, b.id}
    assert [e["id"] for e in api.get("/api/v2/events/?type=invoice.posted").json()["results"]] == [a.id]
    both = api.get("/api/v2/events/?type=invoice.posted,bill.posted").json()["count"]
    assert both == 2
    today = timezone.now().date().isoformat()
    assert api.get(f"/api/v2/events/?date={today}").json()["count"] == 2
    assert api.get("/api/v2/events/?date=2001-01-01").json()["count"] == 0
    detail = api.get(f"/api/v2/events/{a.id}/").json()
    assert detail["data"] == {"object": {"id": 1}} and detail["type"] == "invoice.posted"
    assert api.get("/api/v2/events/?date=yesterday").status_code == 400


def test_deliveries_log_lists_attempts_and_redeliver_requeues(api):
    ep = WebhookEndpoint.objects.get(pk=create(api).json()["id"])
    event = event_emit(event_type="invoice.posted", obj={"id": 9})
    delivery = Delivery.objects.get(event=event)
    Delivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=1)
    attempt = DeliveryAttempt.objects.create(
        delivery=delivery, endpoint=ep, event=event, attempt=1, response_status=500, latency_ms=12, error="500"
    )
    rows = api.get(f"{BASE}{ep.pk}/deliveries/").json()["results"]
    assert rows[0]["event"] == event.id and rows[0]["attempt"] == 1 and rows[0]["response_status"] == 500
    assert rows[0]["latency_ms"] == 12 and rows[0]["event_type"] == "invoice.posted"
    r = api.post(f"{BASE}{ep.pk}/deliveries/{attempt.pk}/redeliver/")
    assert r.status_code == 202, r.content
    assert r.json()["status"] == "pending"
    assert Delivery.objects.get(pk=delivery.pk).status == "pending"
    assert api.get(f"{BASE}999999/deliveries/").status_code == 404


def test_permissions_apply(make_user, client_for):
    viewer = client_for(make_user("webhooks.view_webhookendpoint"))
    assert viewer.get(BASE).status_code == 200
    assert viewer.post(BASE, {"url": PUBLIC_URL, "events": ["*"]}, format="json").status_code == 403
    nobody = client_for(make_user())
    assert nobody.get(BASE).status_code == 403
    assert nobody.get("/api/v2/events/").status_code == 403


def test_openapi_schema_documents_the_webhook_paths(api):
    from openapi_spec_validator import validate

    r = api.get("/api/v2/openapi.json")
    assert r.status_code == 200
    validate(r.json())
    paths = r.json()["paths"]
    for p in ("webhook-endpoints/", "event-types/", "events/", "rotate-secret/", "redeliver/"):
        assert any(k.endswith(p) for k in paths), p
    create = paths["/api/v2/webhook-endpoints/"]["post"]
    assert "examples" in create["requestBody"]["content"]["application/json"]


def test_demo_seed_is_idempotent_and_sends_nothing(silo, api):
    from webhooks.demo import seed_webhooks

    seed_webhooks(silo)
    seed_webhooks(silo)
    rows = api.get(BASE).json()["results"]
    assert len(rows) == 1 and rows[0]["active"] is False and "secret" not in rows[0]


@pytest.mark.parametrize(
    "address",
    [
        "2002:a9fe:a9fe::",  # 6to4 wrapping 169.254.169.254
        "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
        "2001:0:4136:e378:8000:63bf:5601:5601",  # Teredo, client 169.254.169.254 (obfuscated)
        "64:ff9b::a9fe:a9fe",  # NAT64
        "::a9fe:a9fe",  # IPv4-compatible
        "::ffff:169.254.169.254",  # IPv4-mapped
    ],
)
@pytest.mark.parametrize("private_ok", [False, True])
def test_ssrf_unwraps_ipv6_transition_addresses(address, private_ok):
    from webhooks.ssrf import UnsafeUrl, resolve

    if private_ok and "7f00" in address:
        pytest.skip("loopback is allowed by the development setting")
    with pytest.raises(UnsafeUrl):
        resolve(f"https://[{address}]/hook", private_ok=private_ok)


def test_a_public_6to4_address_is_accepted():
    from webhooks.ssrf import resolve

    assert resolve("https://[2002:5db8:d70e::1]/hook", private_ok=False)[3] == "2002:5db8:d70e::1"


def test_refusals_never_echo_what_a_name_resolves_to(api, settings, monkeypatch):
    import socket

    settings.CASHSHEET_WEBHOOK_ALLOW_PRIVATE = False
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda host, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", 443))]
    )
    r = create(api, url="https://intranet.example.com/hook")
    assert r.status_code == 400
    message = r.json()["errors"][0]["message"]
    assert "10.20.30.40" not in r.content.decode() and "resolves to a private address" in message
    # A literal address is the client's own input: naming it leaks nothing.
    assert "10.1.2.3 is a private address" in create(api, url="https://10.1.2.3/hook").json()["errors"][0]["message"]
