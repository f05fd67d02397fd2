"""Invoices, bills, receipts, payments and journal lines point at parties' customers and vendors.

State only: the tables were renamed in place by parties 0001, so the foreign keys already reference
the same rows; only Django's model state changes.
"""

import django.db.models.deletion
from django.db import migrations, models


def _fk(to, **kw):
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=to, **kw)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0003_perpetual_inventory_accounts"),
        ("parties", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="invoice", name="customer", field=_fk("parties.customer")),
                migrations.AlterField(model_name="receipt", name="customer", field=_fk("parties.customer")),
                migrations.AlterField(
                    model_name="journalline", name="customer", field=_fk("parties.customer", blank=True, null=True)
                ),
                migrations.AlterField(model_name="bill", name="vendor", field=_fk("parties.vendor")),
                migrations.AlterField(model_name="payment", name="vendor", field=_fk("parties.vendor")),
                migrations.AlterField(
                    model_name="journalline", name="vendor", field=_fk("parties.vendor", blank=True, null=True)
                ),
            ],
        ),
    ]
