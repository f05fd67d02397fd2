"""Coverage is automatic: every table of every silo model has the capture trigger, unless excluded with a reason.

A new model (another app's work orders, users, …) needs nothing from its author: post_migrate installs the
trigger, the template's clone copies it. These tests fail if that ever stops being true, or if a new column
that looks like a secret would be copied into the trail.
"""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from audit import triggers


def _installed(schema: str) -> dict[str, tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgargs FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND t.tgname = %s",
            [schema, triggers.CAPTURE_TRIGGER],
        )
        return {table: tuple(a.decode() for a in bytes(args).split(b"\x00")[:-1]) for table, args in cursor.fetchall()}


def _tenant_models():
    tenant_apps = set(settings.TENANT_APPS)
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_config.name in tenant_apps and m._meta.managed and not m._meta.proxy
    ]


@pytest.mark.parametrize("schema", ["alpha", "_template"])
def test_every_silo_table_has_the_trigger_unless_excluded(silo, schema):
    installed = _installed(schema)
    missing = [
        f"{m._meta.label_lower} ({m._meta.db_table})"
        for m in _tenant_models()
        if m._meta.label_lower not in triggers.EXCLUDED and m._meta.db_table not in installed
    ]
    assert not missing, f"tables without the audit trigger in {schema}: {missing}; see audit/triggers.py"
    for model in _tenant_models():
        if model._meta.label_lower in triggers.EXCLUDED:
            assert model._meta.db_table not in installed, model._meta.label_lower
        else:
            assert installed[model._meta.db_table] == triggers.trigger_arguments(model), model._meta.label_lower


def test_installing_again_changes_nothing(silo):
    assert triggers.triggers_install() == []


def test_a_new_table_gets_the_trigger_and_writes_to_it_are_recorded(silo):
    """What post_migrate does for a model added by a migration, shown on a table of a model in memory."""
    from django.db import models

    from audit.models import AuditEvent

    class Scratch(models.Model):
        name = models.CharField(max_length=20)
        signing_secret = models.CharField(max_length=20)

        class Meta:
            app_label = "audit"
            db_table = "audit_test_scratch"

    with connection.schema_editor() as editor:
        editor.create_model(Scratch)
    apps.all_models["audit"]["scratch"] = Scratch
    apps.clear_cache()
    try:
        statements = triggers.triggers_install()
        assert any("audit_test_scratch" in s for s in statements)
        row = Scratch.objects.create(name="new", signing_secret="s3cr3t")
        (event,) = AuditEvent.objects.filter(resource="audit.scratch", object_id=str(row.pk))
        assert event.changes() == {"id": (None, row.pk), "name": (None, "new"), "signing_secret": (None, "[redacted]")}
        assert "s3cr3t" not in str(event.after)
        row.name = "renamed"
        row.save()
        row.signing_secret = "n3w s3cr3t"
        row.save()
        renamed, rotated = AuditEvent.objects.filter(resource="audit.scratch", action="update").order_by("id")
        assert renamed.changes() == {"name": ("new", "renamed")}  # an unchanged secret is left out
        assert rotated.changes() == {"signing_secret": ("[redacted]", "[redacted]")}  # changed: never its value
        assert "s3cr3t" not in f"{rotated.before}{rotated.after}"
    finally:
        del apps.all_models["audit"]["scratch"]
        apps.clear_cache()


def test_the_exclusions_name_real_models_and_say_why():
    labels = {m._meta.label_lower for m in _tenant_models()}
    assert set(triggers.EXCLUDED) <= labels, set(triggers.EXCLUDED) - labels
    assert all(len(reason) > 15 for reason in triggers.EXCLUDED.values())
    for label, columns in {**triggers.IGNORED, **triggers.REDACTED}.items():
        model = apps.get_model(label)
        assert set(columns) <= {f.column for f in model._meta.concrete_fields}, label


# Columns whose names sound secret but hold none; anything else that sounds secret must be redacted.
NOT_SECRET = {
    "members_apitoken.prefix",  # the public part of a token, shown in lists
    "members_apitoken.issued_by_id",
    "webhooks_webhookendpoint.previous_secret_expires_at",
}
SOUNDS_SECRET = re.compile(r"secret|password|passwd|digest|token|api_key|private|hash|credential|salt")


def test_columns_that_sound_secret_are_redacted():
    secret = re.compile(triggers.SECRET_COLUMN)
    leaks = []
    for model in _tenant_models():
        if model._meta.label_lower in triggers.EXCLUDED:
            continue
        redacted = set(triggers.REDACTED.get(model._meta.label_lower, ()))
        for field in model._meta.concrete_fields:
            name = f"{model._meta.db_table}.{field.column}"
            if SOUNDS_SECRET.search(field.column) and not (
                secret.search(field.column) or field.column in redacted or name in NOT_SECRET
            ):
                leaks.append(name)
    assert not leaks, f"add to audit.triggers.REDACTED (or NOT_SECRET here if public): {leaks}"


def test_the_template_still_clones_from_the_recipe(silo):
    from silos.clone import plain_template

    assert plain_template("_template")
