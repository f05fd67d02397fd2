"""Perpetual inventory: valued stock postings with their journal entries, in one transaction.

`stock_post_valued` is what POST /stock-movements/ runs: inventory's `stock_post` writes the movements,
then `movements_entries_post` books them through account roles (operations.services.postings), so stock
and books commit together or not at all. Every other operations service (production, transfers) calls
`movements_entries_post` or the legs directly after its own stock postings. Sales books its shipments
itself (COGS), with the same accounts.

How each kind of movement is booked (values are the movements' own signed values, so the inventory
accounts carry exactly what StockBalance carries):
- receipt: Dr Inventory / Cr Goods received not invoiced (vendor of the lot as dimension);
- adjustment: Inventory against Inventory adjustments (either sign);
- shipment outside a sales order: Dr COGS / Cr Inventory;
- production_input / production_output posted raw (outside a production order): against Inventory
  adjustments, since no pattern's processing cost is applied;
- transfer (out leg + in leg): Dr In transit (destination) / Cr Inventory (source) on the ship date, and
  Dr Inventory / Cr In transit (destination) on the in leg's date, the day the lane delivers.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from inventory.models import MovementKind, StockMovement
from inventory.services import stock_post
from ledger.models import EntrySource, JournalEntry
from operations.services.postings import (
    Leg,
    adjustment_legs,
    entry_post,
    receipt_legs,
    shipment_legs,
    transfer_receive_legs,
    transfer_ship_legs,
)

ZERO = Decimal("0.00")
K = MovementKind
_SOURCES = {
    K.RECEIPT: EntrySource.GOODS_RECEIPT,
    K.ADJUSTMENT: EntrySource.STOCK_ADJUSTMENT,
    K.SHIPMENT: EntrySource.SHIPMENT,
    K.PRODUCTION_INPUT: EntrySource.STOCK_ADJUSTMENT,
    K.PRODUCTION_OUTPUT: EntrySource.STOCK_ADJUSTMENT,
}
_MEMOS = {
    K.RECEIPT: "Goods receipt",
    K.ADJUSTMENT: "Stock adjustment",
    K.SHIPMENT: "Shipment",
    K.PRODUCTION_INPUT: "Production input (unplanned)",
    K.PRODUCTION_OUTPUT: "Production output (unplanned)",
}


def _legs(movement: StockMovement) -> list[Leg]:
    if movement.kind == K.RECEIPT:
        return receipt_legs(value=movement.value, facility_id=movement.facility_id, vendor_id=movement.lot.vendor_id)
    if movement.kind == K.SHIPMENT:
        return shipment_legs(cost=-movement.value, facility_id=movement.facility_id)
    return adjustment_legs(value=movement.value, facility_id=movement.facility_id)


def movements_entries_post(
    *, movements: list[StockMovement], memo: str = "", actor=None, freight: dict[int, Decimal] | None = None
) -> list[JournalEntry]:
    """Book `movements` (as the stock services returned them): one entry per kind and date, transfers as a
    ship entry and a receive entry. `freight` maps an in leg's id to the freight capitalised into it (its
    value beyond the out leg's), credited to accrued freight. Returns the entries posted."""
    freight = freight or {}
    groups: dict[tuple, list[Leg]] = defaultdict(list)
    transfers = [m for m in movements if m.kind == K.TRANSFER_OUT]
    for movement in movements:
        if movement.kind in (K.TRANSFER_OUT, K.TRANSFER_IN):
            continue
        key = (_SOURCES[movement.kind], movement.effective_date, _MEMOS[movement.kind])
        groups[key] += _legs(movement)
    in_legs = {m.pk: m for m in movements if m.kind == K.TRANSFER_IN}
    for out_leg in transfers:
        in_leg = in_legs.get(out_leg.transfer_pair_id) or StockMovement.objects.get(pk=out_leg.transfer_pair_id)
        extra = freight.get(in_leg.pk, ZERO)
        ship = transfer_ship_legs(
            value=-out_leg.value, freight=extra, from_facility_id=out_leg.facility_id, to_facility_id=in_leg.facility_id
        )
        groups[(EntrySource.TRANSFER, out_leg.effective_date, "Transfer shipped")] += ship
        groups[(EntrySource.TRANSFER, in_leg.effective_date, "Transfer received")] += transfer_receive_legs(
            value=in_leg.value, to_facility_id=in_leg.facility_id
        )
    entries = []
    source_id = movements[0].source_id if movements else None
    for (source, on, default_memo), legs in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        entry = entry_post(
            entry_date=on,
            memo=memo or default_memo,
            source=source,
            source_id=source_id if source_id is not None else movements[0].pk,
            legs=legs,
            actor=actor,
        )
        if entry is not None:
            entries.append(entry)
    return entries


@transaction.atomic
def stock_post_valued(*, actor=None, **kwargs) -> list[StockMovement]:
    """POST /stock-movements/: inventory's stock_post (same arguments), then its journal entries."""
    movements = stock_post(**kwargs)
    memo = kwargs.get("memo") or ""
    movements_entries_post(movements=movements, memo=memo[:500], actor=actor)
    return movements
