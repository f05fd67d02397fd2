"""Vendor now lives in parties (parties 0001 renamed its table in place): state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0002_counterparty_base"),
        ("parties", "0001_initial"),
        ("ledger", "0004_parties_foreign_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Vendor")]),
    ]
