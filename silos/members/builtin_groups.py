"""The built-in groups every silo has, as data (read by silo_initialize and by migration 0005).

Each grants every `view_` permission of the listed apps plus the named permissions. They are maintained by
CashSheet: the services refuse to rename them or change their permissions (copy one into a new group to
adjust it), and `builtin_groups_ensure` brings them up to date, so a permission added by a later release
(a new resource) reaches them when the silo is initialised or migrated.
"""

DOMAIN_APPS = ("parties", "inventory", "ledger", "atp", "sales", "operations", "webhooks")

BUILTIN_GROUPS: dict[str, dict] = {
    "Integration (read-only)": {
        "description": "Reads everything an integration may need (BI, reporting, sync out); writes nothing.",
        "view_apps": DOMAIN_APPS,
        "extra": (),
    },
    "Integration (sales orders)": {
        "description": "A CRM or portal: reads customers, items, facilities, stock and orders; creates and "
        "updates sales orders and asks ATP for quotes.",
        "view_apps": ("parties", "inventory", "atp", "sales"),
        "extra": ("sales.add_salesorder", "sales.change_salesorder", "atp.run_atpcheck"),
    },
}


def builtin_permission_keys(spec: dict, available: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (app_label, codename) pairs of `available` that the group described by `spec` holds."""
    extra = {tuple(p.split(".", 1)) for p in spec["extra"]}
    return {
        (app, codename)
        for app, codename in available
        if (app in spec["view_apps"] and codename.startswith("view_")) or (app, codename) in extra
    }
