"""Signing secrets are encrypted at rest, keys rotate, and a lost key fails deliveries loudly (issue 18)."""

import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.forms import modelform_factory

from cashsheet import encryption
from webhooks.models import WebhookEndpoint
from webhooks.services import endpoint_create, endpoint_rotate_secret

BASE = "/api/v2/webhook-endpoints/"
PUBLIC_URL = "https://93.184.215.14/hooks/cashsheet"
OLD, NEW = encryption.key_generate(), encryption.key_generate()


def stored(endpoint) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret, previous_secret FROM webhooks_webhookendpoint WHERE id = %s", [endpoint.pk])
        return cursor.fetchone()


def test_the_database_holds_ciphertext_only(api, caplog):
    caplog.set_level(logging.DEBUG)
    body = api.post(BASE, {"url": PUBLIC_URL, "events": ["*"]}, format="json").json()
    secret = body["secret"]
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert endpoint.secret == secret  # clear in memory, where signing needs it
    column, previous = stored(endpoint)
    assert column.startswith(encryption.TOKEN_PREFIX) and secret not in column and previous == ""
    rotated = api.post(f"{BASE}{body['id']}/rotate-secret/").json()["secret"]
    column, previous = stored(endpoint)
    assert rotated not in column and secret not in previous and previous.startswith(encryption.TOKEN_PREFIX)
    assert secret not in caplog.text and rotated not in caplog.text
    assert secret not in str(endpoint) and secret not in repr(endpoint)
    # Not editable: no model form (hence no admin) can show or set it.
    form_fields = modelform_factory(WebhookEndpoint, fields="__all__").base_fields
    assert "secret" not in form_fields and "previous_secret" not in form_fields


def test_a_secret_written_in_clear_is_refused_by_the_database(silo):
    endpoint = endpoint_create(url=PUBLIC_URL, events=["*"])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE webhooks_webhookendpoint SET secret = 'whsec_clear' WHERE id = %s", [endpoint.pk])


def test_keys_rotate_without_losing_a_secret(silo, settings, capsys):
    settings.CASHSHEET_ENCRYPTION_KEYS = [OLD]
    endpoint = endpoint_create(url=PUBLIC_URL, events=["*"])
    endpoint = endpoint_rotate_secret(endpoint=endpoint)  # a previous secret too
    secret, previous = endpoint.secret, endpoint.previous_secret
    before = stored(endpoint)

    settings.CASHSHEET_ENCRYPTION_KEYS = [NEW, OLD]  # step 2: the new key first, the old one kept
    again = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (again.secret, again.previous_secret) == (secret, previous)
    with pytest.raises(CommandError, match="older key"):
        call_command("encryption_keys", "--check")
    call_command("encryption_keys", "--rotate")  # step 3
    assert "reencrypted 2" in capsys.readouterr().out
    after = stored(endpoint)
    assert after != before and all(encryption.is_current(v) for v in after)
    call_command("encryption_keys", "--rotate")  # idempotent
    assert "reencrypted 0" in capsys.readouterr().out

    settings.CASHSHEET_ENCRYPTION_KEYS = [NEW]  # step 4: the old key removed
    again = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (again.secret, again.previous_secret) == (secret, previous)
    call_command("encryption_keys", "--check")


def test_a_missing_key_still_lists_and_fails_the_delivery_saying_why(api, settings):
    body = api.post(BASE, {"url": PUBLIC_URL, "events": ["*"]}, format="json").json()
    settings.CASHSHEET_ENCRYPTION_KEYS = [encryption.key_generate()]  # the key that made it is gone
    assert api.get(BASE).status_code == 200 and api.get(f"{BASE}{body['id']}/").status_code == 200
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert isinstance(endpoint.secret, encryption.UndecryptableValue) and endpoint.secret == ""
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("encryption_keys", "--check")
    # Rotating the endpoint's secret recovers it under the current key.
    rotated = api.post(f"{BASE}{body['id']}/rotate-secret/").json()["secret"]
    assert WebhookEndpoint.objects.get(pk=body["id"]).secret == rotated


def test_a_delivery_with_an_undecryptable_secret_is_a_failed_attempt_not_a_crash(committed, settings):
    from django.db import transaction as tx

    from webhooks.dispatch import UNDECRYPTABLE_ERROR, deliveries_send
    from webhooks.models import Delivery, DeliveryAttempt
    from webhooks.services import event_emit

    endpoint = endpoint_create(url=PUBLIC_URL, events=["invoice.posted"])
    try:
        with tx.atomic():
            event = event_emit(event_type="invoice.posted", obj={"id": 1})
        delivery = Delivery.objects.get(event=event, endpoint=endpoint)
        settings.CASHSHEET_ENCRYPTION_KEYS = [encryption.key_generate()]
        deliveries_send([delivery.pk])
        (attempt,) = DeliveryAttempt.objects.filter(delivery=delivery)
        assert not attempt.succeeded and attempt.error.startswith(UNDECRYPTABLE_ERROR)
    finally:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
