"""migrate_all's executor (silos/migrate.py): one new migration reaches every silo, a broken silo does not
stop the others, and a second run finds nothing to do."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from silos.migrate import migrate_schemas
from silos.models import Silo
from silos.services import silo_create, silo_delete

PROBE = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("webhooks", "{previous}")]
    operations = [migrations.RunSQL("ALTER TABLE webhooks_event ADD COLUMN probe_x integer",
                                    "ALTER TABLE webhooks_event DROP COLUMN probe_x")]
"""


# A new model and a data migration that uses the historical models (states shared across schemas).
PROBE_MODEL = """from django.db import migrations, models


def fill(apps, schema_editor):
    Probe = apps.get_model("webhooks", "Probe")
    Endpoint = apps.get_model("webhooks", "WebhookEndpoint")
    Probe.objects.create(label=f"endpoints={Endpoint.objects.count()}")


class Migration(migrations.Migration):
    dependencies = [("webhooks", "9000_probe")]
    operations = [
        migrations.CreateModel("Probe", [("id", models.BigAutoField(primary_key=True)),
                                         ("label", models.CharField(max_length=40))]),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
"""


@pytest.fixture
def probe_migrations(tmp_path, monkeypatch):
    """The webhooks app's migrations plus one probe, as a package MIGRATION_MODULES can point at."""
    from pathlib import Path

    import webhooks

    source = Path(webhooks.__file__).parent / "migrations"
    real = sorted(source.glob("[0-9]*.py"))
    package = tmp_path / "probe_webhooks_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for path in real:
        (package / path.name).write_text(path.read_text())
    (package / "9000_probe.py").write_text(PROBE.format(previous=real[-1].stem))
    (package / "9001_probe_model.py").write_text(PROBE_MODEL)
    monkeypatch.syspath_prepend(str(tmp_path))
    with override_settings(MIGRATION_MODULES={"webhooks": "probe_webhooks_migrations"}):
        yield


@pytest.fixture
def three_silos(django_db_blocker, django_db_setup):
    with django_db_blocker.unblock():
        silos = [silo_create(slug=f"migprobe{i}", name=f"Probe {i}") for i in range(3)]
    yield [s.schema_name for s in silos]
    with django_db_blocker.unblock():
        for silo in Silo.objects.filter(schema_name__startswith="migprobe"):
            silo_delete(silo=silo)


def has_probe_column(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = 'webhooks_event' "
            "AND column_name = 'probe_x'",
            [schema],
        )
        return cursor.fetchone() is not None


def test_one_new_migration_reaches_every_silo_and_a_broken_one_is_reported(
    three_silos, probe_migrations, django_db_blocker
):
    ok_a, ok_b, broken = three_silos
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE "{broken}".webhooks_event CASCADE')
        report = migrate_schemas(three_silos, processes=2)
        assert sorted(report.migrated) == [ok_a, ok_b]
        assert list(report.failed) == [broken] and "webhooks_event" in report.failed[broken]
        assert has_probe_column(ok_a) and has_probe_column(ok_b)
        with connection.cursor() as cursor:
            for schema in (ok_a, ok_b):
                cursor.execute(f'SELECT label FROM "{schema}".webhooks_probe')
                assert cursor.fetchall() == [("endpoints=0",)]  # the data migration ran in each silo
                cursor.execute(
                    f"SELECT count(*) FROM \"{schema}\".django_content_type WHERE app_label = 'webhooks' "
                    "AND model = 'probe'"
                )
                assert cursor.fetchone()[0] == 1  # post_migrate ran for the new model
                cursor.execute(
                    f"SELECT count(*) FROM \"{schema}\".django_migrations WHERE app = 'webhooks' AND name LIKE '900%%'"
                )
                assert cursor.fetchone()[0] == 2
        again = migrate_schemas([ok_a, ok_b], processes=1)
        assert again.migrated == [] and sorted(again.current) == [ok_a, ok_b]
        connection.set_schema_to_public()
