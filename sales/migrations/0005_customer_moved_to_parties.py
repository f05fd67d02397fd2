"""Customer now lives in parties (parties 0001 renamed its table in place): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0004_counterparty_base"),
        ("parties", "0001_initial"),
        ("ledger", "0004_parties_foreign_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="salesorder",
                    name="customer",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sales_orders",
                        to="parties.customer",
                    ),
                ),
                migrations.DeleteModel(name="Customer"),
            ],
        ),
    ]
