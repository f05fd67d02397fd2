"""Settings → Webhooks in process: the secret once, permissions, errors beside the field."""

import os

import pytest
from django.test import Client

from webhooks.models import WebhookEndpoint

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASHSHEET_WEBHOOK_ALLOW_PRIVATE = True


def signed_in(silo, user) -> Client:
    user.set_password(PASSWORD)
    user.save()
    client = Client(HTTP_HOST=silo.host, REMOTE_ADDR="10.{}.{}.{}".format(*os.urandom(3)))
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_a_viewer_sees_no_add_button_and_gets_403_on_the_post(silo, make_user):
    browser = signed_in(silo, make_user("webhooks.view_webhookendpoint"))
    page = browser.get("/settings/webhooks/")
    assert page.status_code == 200 and "Add endpoint" not in page.content.decode()
    body = {"url": "http://127.0.0.1:9/hook", "events": ["*"], "api_version": "v2", "active": "on"}
    assert browser.post("/settings/webhooks/new/", body).status_code == 403
    assert not WebhookEndpoint.objects.filter(url=body["url"]).exists()


def test_create_shows_the_secret_once_then_rotate(silo, make_user):
    browser = signed_in(silo, make_user(superuser=True))
    bad = browser.post("/settings/webhooks/new/", {"url": "gopher://x", "api_version": "v2"})
    html = bad.content.decode()
    assert bad.status_code == 200 and 'id="id_url_error"' in html and 'id="id_events_error"' in html
    assert 'value="gopher://x"' in html
    made = browser.post(
        "/settings/webhooks/new/",
        {"url": "http://127.0.0.1:9/hook", "events": ["sales_order.created"], "api_version": "v2", "active": "on"},
    )
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    endpoint = WebhookEndpoint.objects.get(url="http://127.0.0.1:9/hook")
    assert endpoint.secret in made.content.decode()
    assert endpoint.secret not in browser.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    rotated = browser.post(f"/settings/webhooks/{endpoint.pk}/rotate-secret/")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode() and endpoint.previous_secret_expires_at is not None
    edited = browser.post(
        f"/settings/webhooks/{endpoint.pk}/", {"url": "http://127.0.0.1:9/other", "events": ["*"], "api_version": "v2"}
    )
    assert edited.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["*"] and endpoint.active is False  # unchecked: disabled
    stopped = browser.post(f"/settings/webhooks/{endpoint.pk}/test/", follow=True)
    assert "disabled" in stopped.content.decode()


def test_the_dashboard_shows_the_last_webhook_failures_to_who_may_see_them(silo, make_user):
    from django.utils import timezone

    from webhooks import services
    from webhooks.models import Delivery, DeliveryAttempt, Event

    endpoint = services.endpoint_create(url="http://127.0.0.1:9/dash", events=["*"])
    event = Event.objects.create(type="sales_order.created", api_version="v2", data={"object": {}})
    delivery = Delivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=timezone.now())
    DeliveryAttempt.objects.create(delivery=delivery, endpoint=endpoint, event=event, attempt=1, response_status=503,
                                   next_attempt_at=timezone.now())  # fmt: skip
    DeliveryAttempt.objects.create(delivery=delivery, endpoint=endpoint, event=event, attempt=2, succeeded=True,
                                   response_status=200)  # fmt: skip
    page = signed_in(silo, make_user("webhooks.view_webhookendpoint")).get("/").content.decode()
    panel = page.split('id="panel-webhook-failures"')[1].split("</section>")[0]
    assert "503" in panel and "sales_order.created" in panel and f"/settings/webhooks/{endpoint.pk}/" in panel
    assert "200" not in panel  # a success is no failure
    assert "panel-webhook-failures" not in signed_in(silo, make_user()).get("/").content.decode()


def test_redeliver_from_the_log_puts_the_delivery_back_and_a_viewer_cannot(silo, make_user):
    from django.utils import timezone

    from webhooks import services
    from webhooks.models import Delivery, DeliveryAttempt, Event

    endpoint = services.endpoint_create(url="http://127.0.0.1:9/again", events=["*"])
    event = Event.objects.create(type="sales_order.created", api_version="v2", data={"object": {}})
    delivery = Delivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=timezone.now(), status="failed")
    attempt = DeliveryAttempt.objects.create(delivery=delivery, endpoint=endpoint, event=event, attempt=1,
                                             response_status=500)  # fmt: skip
    viewer = signed_in(silo, make_user("webhooks.view_webhookendpoint"))
    log = viewer.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert "Redeliver" not in log and "500" in log
    assert viewer.post(f"/settings/webhooks/{endpoint.pk}/attempts/{attempt.pk}/redeliver/").status_code in (403, 404)
    admin = signed_in(silo, make_user(superuser=True))
    url = f"/settings/webhooks/{endpoint.pk}/"
    button = admin.get(url).content.decode()
    assert f'Redeliver<span class="visually-hidden"> sales_order.created {event.pk}' in button
    redeliver = f"/settings/webhooks/{endpoint.pk}/attempts/{attempt.pk}/redeliver/"
    assert f'hx-post="{redeliver}"' in button
    answer = admin.post(redeliver, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and 'id="delivery-log"' in answer.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "queued for delivery again" in answer.content.decode()
