"""Perpetual inventory: the journal entry that goes with every valued stock movement.

Each helper takes the values the stock services wrote (signed movement values, so the books carry exactly
what StockBalance carries) and posts one balanced entry through account roles, inside the caller's
transaction. Lines carry the facility (and vendor where there is one), so the inventory accounts reconcile
to the stock valuation per facility as well as in total.

Lock order (after the caller's document and stock rows): accounts FOR SHARE (pk order) → the covering
period → the journal-entry sequence, as every ledger posting takes them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger.errors import PeriodClosed
from ledger.models import AccountRole, EntrySource, JournalEntry
from ledger.services import journal_entry_post
from ledger.services.journal import accounts_for_roles

R = AccountRole
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Leg:
    """One side of an inventory entry: `amount` > 0 debits the role's account, < 0 credits it."""

    role: str
    amount: Decimal
    facility_id: int | None = None
    vendor_id: int | None = None
    customer_id: int | None = None
    memo: str = ""


def entry_post(
    *,
    entry_date: date,
    memo: str,
    source: str,
    source_id: int | None,
    legs: list[Leg],
    actor=None,
    date_field: str = "effective_date",
) -> JournalEntry | None:
    """Post `legs` as one entry (legs on the same account and dimensions are netted; zero legs dropped).

    Returns None when nothing is left to post (stock moved at zero cost). A closed period is re-raised
    naming the caller's date field, so the API answer points at what the user sent.
    """
    netted: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for leg in legs:
        netted[(leg.role, leg.facility_id, leg.vendor_id, leg.customer_id, leg.memo)] += leg.amount
    kept = [(key, amount) for key, amount in netted.items() if amount]
    if not kept:
        return None
    roles = tuple(sorted({key[0] for key, _ in kept}))
    locked, accounts = accounts_for_roles(*roles)
    by_role = dict(zip(roles, accounts, strict=True))
    lines = []
    for (role, facility_id, vendor_id, customer_id, line_memo), amount in kept:
        side = "debit" if amount > 0 else "credit"
        line = {"account": by_role[role], side: abs(amount), "memo": line_memo or memo}
        if facility_id:
            line["facility_id"] = facility_id
        if vendor_id:
            line["vendor_id"] = vendor_id
        if customer_id:
            line["customer_id"] = customer_id
        lines.append(line)
    try:
        return journal_entry_post(
            entry_date=entry_date,
            memo=memo,
            source=source,
            source_id=source_id,
            lines=lines,
            actor=actor,
            check_dimensions=False,
            locked_accounts=locked,
        )
    except PeriodClosed as exc:
        raise PeriodClosed(exc.detail, field=date_field, **exc.context) from exc


# --- The entries, one per kind of stock event --------------------------------------------------------


def receipt_legs(*, value: Decimal, facility_id: int, vendor_id: int | None, opening: bool = False) -> list[Leg]:
    """Goods receipt: Dr Inventory / Cr Goods received not invoiced (or Opening balance equity for opening stock)."""
    credit = R.OPENING_BALANCE if opening else R.PURCHASES_CLEARING
    return [
        Leg(R.INVENTORY, value, facility_id=facility_id),
        Leg(credit, -value, facility_id=facility_id, vendor_id=vendor_id),
    ]


def adjustment_legs(*, value: Decimal, facility_id: int) -> list[Leg]:
    """Count adjustment or shrink, `value` signed as the movement's: Inventory against Inventory adjustments."""
    return [
        Leg(R.INVENTORY, value, facility_id=facility_id),
        Leg(R.INVENTORY_ADJUSTMENT, -value, facility_id=facility_id),
    ]


def shipment_legs(*, cost: Decimal, facility_id: int, customer_id: int | None = None) -> list[Leg]:
    """Shipment at cost (`cost` > 0): Dr Cost of goods sold / Cr Inventory."""
    return [
        Leg(R.COST_OF_GOODS_SOLD, cost, facility_id=facility_id, customer_id=customer_id),
        Leg(R.INVENTORY, -cost, facility_id=facility_id),
    ]


def production_legs(*, input_value: Decimal, output_value: Decimal, processing_cost: Decimal, facility_id: int):
    """Production: Cr Inventory (inputs at cost), Dr Inventory (outputs at joint cost), Cr Processing cost applied.

    The outputs carry exactly inputs + processing (joint costing splits that total), so the entry balances
    without a rounding line.
    """
    if output_value != input_value + processing_cost:
        raise ValueError(f"outputs {output_value} != inputs {input_value} + processing {processing_cost}")
    return [
        Leg(R.INVENTORY, -input_value, facility_id=facility_id, memo="Inputs consumed"),
        Leg(R.INVENTORY, output_value, facility_id=facility_id, memo="Outputs at joint cost"),
        Leg(R.PROCESSING_APPLIED, -processing_cost, facility_id=facility_id),
    ]


def transfer_ship_legs(*, value: Decimal, freight: Decimal, from_facility_id: int, to_facility_id: int) -> list[Leg]:
    """Transfer shipped: Dr Inventory in transit (goods + freight) / Cr Inventory at the source, Cr Accrued freight.

    In-transit lines carry the destination (it owns the stock on the truck)."""
    return [
        Leg(R.INVENTORY_IN_TRANSIT, value + freight, facility_id=to_facility_id),
        Leg(R.INVENTORY, -value, facility_id=from_facility_id),
        Leg(R.ACCRUED_FREIGHT, -freight, facility_id=to_facility_id),
    ]


def transfer_receive_legs(*, value: Decimal, to_facility_id: int) -> list[Leg]:
    """Transfer received: Dr Inventory at the destination / Cr Inventory in transit (goods plus freight)."""
    return [
        Leg(R.INVENTORY, value, facility_id=to_facility_id),
        Leg(R.INVENTORY_IN_TRANSIT, -value, facility_id=to_facility_id),
    ]


__all__ = [
    "EntrySource",
    "Leg",
    "adjustment_legs",
    "entry_post",
    "production_legs",
    "receipt_legs",
    "shipment_legs",
    "transfer_receive_legs",
    "transfer_ship_legs",
]
