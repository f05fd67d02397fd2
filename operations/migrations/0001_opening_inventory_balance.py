"""Existing silos: one dated adjustment entry bringing the inventory accounts to the stock valuation.

Before perpetual inventory only shipments were booked, so Inventory (1200) disagreed with the stock
valuation. Per facility, the difference on hand goes to Inventory and the stock in transit to Inventory in
transit, against Opening balance equity, dated the day of the migration, with a memo saying so. Written
with the historical models (this must keep running after later migrations change the live ones); the
same computation as operations.services.opening, which later runs use.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import migrations
from django.db.models import Sum
from django.utils import timezone

MEMO = "Opening inventory balance: the inventory accounts brought to the stock valuation (perpetual inventory starts)"


def post_opening(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    StockBalance = apps.get_model("inventory", "StockBalance")
    StockMovement = apps.get_model("inventory", "StockMovement")
    JournalEntry = apps.get_model("ledger", "JournalEntry")
    JournalLine = apps.get_model("ledger", "JournalLine")
    Sequence = apps.get_model("ledger", "Sequence")
    roles = {a.role: a for a in Account.objects.filter(role__in=["inventory", "inventory_in_transit", "opening_balance"])}
    if len(roles) < 3 or not StockBalance.objects.exists():
        return  # the template, a silo without stock, or one whose chart lacks a role (the command does it later)
    today = timezone.localdate()
    want = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])  # facility -> [on hand, in transit]
    for row in StockBalance.objects.values("facility_id").annotate(v=Sum("value")):
        want[row["facility_id"]][0] += row["v"] or 0
    transit = StockMovement.objects.filter(kind="transfer_in", effective_date__gt=today, transfer_pair__effective_date__lte=today)
    for row in transit.values("facility_id").annotate(v=Sum("value")):
        want[row["facility_id"]][0] -= row["v"] or 0
        want[row["facility_id"]][1] += row["v"] or 0
    lines = JournalLine.objects.filter(account__role__in=["inventory", "inventory_in_transit"])
    for row in lines.values("account__role", "facility_id").annotate(d=Sum("debit"), c=Sum("credit")):
        index = 0 if row["account__role"] == "inventory" else 1
        want[row["facility_id"]][index] -= (row["d"] or 0) - (row["c"] or 0)
    legs = []
    for facility_id, (on_hand, in_transit) in sorted(want.items(), key=lambda kv: kv[0] or 0):
        for role, amount in (("inventory", on_hand), ("inventory_in_transit", in_transit)):
            if amount:
                legs.append((roles[role], amount, facility_id))
                legs.append((roles["opening_balance"], -amount, facility_id))
    if not legs:
        return
    Sequence.objects.get_or_create(name="journal_entry", defaults={"value": 0})
    seq = Sequence.objects.select_for_update().get(name="journal_entry")
    seq.value += 1
    seq.save(update_fields=["value"])
    entry = JournalEntry.objects.create(number=seq.value, entry_date=today, memo=MEMO[:500], source="adjustment")
    netted = defaultdict(lambda: Decimal("0.00"))
    for account, amount, facility_id in legs:
        netted[(account.pk, facility_id)] += amount
    JournalLine.objects.bulk_create(
        [
            JournalLine(
                entry=entry, account_id=account_id, entry_date=today, facility_id=facility_id, memo=MEMO[:500],
                debit=amount if amount > 0 else 0, credit=-amount if amount < 0 else 0,
            )
            for (account_id, facility_id), amount in netted.items()
            if amount
        ]
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_parties_foreign_keys"),
        ("inventory", "0006_lot_required"),
    ]

    operations = [migrations.RunPython(post_opening, migrations.RunPython.noop)]
