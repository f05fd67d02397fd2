"""Webhook signing secrets are encrypted at rest (cashsheet.encryption, CASHSHEET_ENCRYPTION_KEYS)."""

from django.db import migrations, models

import cashsheet.encryption

TABLE = "webhooks_webhookendpoint"


def encrypt_existing(apps, schema_editor):
    from cashsheet.encryption import TOKEN_PREFIX, encrypt

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret, previous_secret FROM {TABLE}")  # noqa: S608
        for pk, secret, previous in cursor.fetchall():
            values = [v if not v or v.startswith(TOKEN_PREFIX) else encrypt(v) for v in (secret, previous)]
            cursor.execute(f"UPDATE {TABLE} SET secret = %s, previous_secret = %s WHERE id = %s", [*values, pk])


def decrypt_existing(apps, schema_editor):
    from cashsheet.encryption import TOKEN_PREFIX, decrypt

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret, previous_secret FROM {TABLE}")  # noqa: S608
        for pk, secret, previous in cursor.fetchall():
            values = [decrypt(v) if v and v.startswith(TOKEN_PREFIX) else v for v in (secret, previous)]
            cursor.execute(f"UPDATE {TABLE} SET secret = %s, previous_secret = %s WHERE id = %s", [*values, pk])


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0002_webhookendpoint_delivery_deliveryattempt_and_more")]

    operations = [
        migrations.RemoveConstraint(model_name="webhookendpoint", name="webhooks_webhookendpoint_secret"),
        migrations.AlterField(
            model_name="webhookendpoint", name="secret", field=cashsheet.encryption.EncryptedTextField()
        ),
        migrations.AlterField(
            model_name="webhookendpoint",
            name="previous_secret",
            field=cashsheet.encryption.EncryptedTextField(blank=True, default=""),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.AddConstraint(
            model_name="webhookendpoint",
            constraint=models.CheckConstraint(
                condition=models.Q(secret__startswith="gAAAAA")
                & (
                    models.Q(previous_secret="")
                    | models.Q(previous_secret__startswith="gAAAAA")
                ),
                name="webhooks_webhookendpoint_secret_encrypted",
            ),
        ),
    ]
