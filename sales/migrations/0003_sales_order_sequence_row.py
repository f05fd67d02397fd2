from django.db import migrations


def create_sequence(apps, schema_editor):
    # The row exists before the first order, so numbering never races on an INSERT.
    apps.get_model("sales", "SalesOrderSequence").objects.get_or_create(name="sales_order", defaults={"value": 0})


class Migration(migrations.Migration):
    dependencies = [("sales", "0002_salesordersequence_salesorder_salesorderline_and_more")]

    operations = [migrations.RunPython(create_sequence, migrations.RunPython.noop)]
