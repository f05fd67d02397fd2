"""Widen Django's 32-bit identity columns in the public schema to bigint (Citus; see silos/schema.py)."""

from django.db import migrations

from silos.schema import WIDEN_IDENTITIES_SQL


class Migration(migrations.Migration):
    dependencies = [
        ("silos", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunSQL(WIDEN_IDENTITIES_SQL, reverse_sql=migrations.RunSQL.noop, elidable=False)]
