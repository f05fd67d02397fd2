"""Existing silos get the perpetual-inventory accounts new silos receive from the default chart.

An account is added only where its code is free, and takes its role only where no account holds it yet
(a silo that renumbered its chart keeps its own accounts; posting then names the missing role, 409).
"""

from django.db import migrations

NEW_ACCOUNTS = [
    # code, name, type, normal balance, role, parent code
    ("1220", "Inventory in transit", "asset", "debit", "inventory_in_transit", "1000"),
    ("2030", "Accrued freight", "liability", "credit", "accrued_freight", "2000"),
    ("3900", "Opening balance equity", "equity", "credit", "opening_balance", None),
    ("5050", "Purchase price variance", "expense", "debit", "purchase_price_variance", None),
    ("5110", "Processing cost applied", "expense", "debit", "processing_applied", None),
    ("5210", "Inventory adjustments", "expense", "debit", "inventory_adjustment", None),
]


def add_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    if not Account.objects.exists():
        return  # the template schema, or a silo whose chart is installed later (it gets the new chart)
    codes = {code.upper() for code in Account.objects.values_list("code", flat=True)}
    roles = set(Account.objects.exclude(role=None).values_list("role", flat=True))
    for code, name, type_, normal, role, parent in NEW_ACCOUNTS:
        if code in codes:
            continue
        Account.objects.create(
            code=code,
            name=name,
            type=type_,
            normal_balance=normal,
            role=role if role not in roles else None,
            parent=Account.objects.filter(code=parent).first() if parent else None,
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_perpetual_inventory_roles")]

    operations = [migrations.RunPython(add_accounts, migrations.RunPython.noop)]
