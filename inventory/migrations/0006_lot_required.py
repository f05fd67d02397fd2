import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every movement names its lot (0003 gave every existing one its opening lot)."""

    dependencies = [
        ("inventory", "0005_lots"),
    ]

    operations = [
        migrations.AlterField(
            model_name="stockmovement",
            name="lot",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="movements", to="inventory.lot"
            ),
        ),
        migrations.RemoveField(model_name="stockmovement", name="lot_code"),
    ]
