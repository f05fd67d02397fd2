"""The built-in integration groups in every existing silo (new silos get them from silo_initialize)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from silos.members.builtin_groups import BUILTIN_GROUPS, builtin_permission_keys


def groups_create(apps, schema_editor):
    # Permissions are normally created after migrations (post_migrate); make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = {(p.content_type.app_label, p.codename): p for p in Permission.objects.select_related("content_type")}
    for name, spec in BUILTIN_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([perms[k] for k in builtin_permission_keys(spec, list(perms))])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_deleted_objects"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The domain apps' models as of this release, so their permissions exist to be granted (data only:
        # no module of silos imports them). Later resources reach the groups through silo_initialize.
        ("parties", "0002_customer_min_shelf_life"),
        ("inventory", "0006_lot_required"),
        ("ledger", "0004_parties_foreign_keys"),
        ("atp", "0002_atp_v2_plans_solver"),
        ("sales", "0006_lots"),
        ("webhooks", "0003_secrets_encrypted"),
    ]

    operations = [migrations.RunPython(groups_create, migrations.RunPython.noop, elidable=False)]
