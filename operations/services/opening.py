"""Opening balances for perpetual inventory: one dated adjustment entry that brings the inventory accounts
to the stock valuation in a silo whose stock was posted before its movements were booked.

Per facility, Inventory takes the difference for stock on hand and Inventory in transit for stock on the
truck, against Opening balance equity. Run by operations' migration 0001 (existing silos), by
`manage.py inventory_opening_balances` and by the demo seed; running it again posts nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from ledger.models import AccountRole, EntrySource, JournalEntry
from operations.selectors import inventory_reconciliation
from operations.services.postings import Leg, entry_post

R = AccountRole
MEMO = "Opening inventory balance: the inventory accounts brought to the stock valuation (perpetual inventory starts)"


@transaction.atomic
def inventory_opening_post(*, entry_date: date | None = None, actor=None) -> JournalEntry | None:
    """Post the difference between stock valuation and the inventory accounts (all postings), or None."""
    legs = []
    for row in inventory_reconciliation():
        on_hand = row.stock_value - row.gl_inventory
        transit = row.in_transit_value - row.gl_in_transit
        legs += [
            Leg(R.INVENTORY, on_hand, facility_id=row.facility_id),
            Leg(R.INVENTORY_IN_TRANSIT, transit, facility_id=row.facility_id),
            Leg(R.OPENING_BALANCE, -(on_hand + transit), facility_id=row.facility_id),
        ]
    return entry_post(
        entry_date=entry_date or timezone.localdate(),
        memo=MEMO,
        source=EntrySource.ADJUSTMENT,
        source_id=None,
        legs=legs,
        actor=actor,
        date_field="entry_date",
    )
