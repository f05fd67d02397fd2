"""Reads for operations: the stock valuation and its reconciliation to the inventory accounts.

The valuation is inventory's (weighted average cost per facility and item; a lot is its lb at the pair's
average). Stock on a truck belongs to the destination: a transfer's in leg is in the destination's
StockBalance from the ship date, dated the day the lane delivers; until then it is "in transit".

Two readings:
- `as_of` None: everything posted (StockBalance), the figure the books carry across all dates;
- `as_of` a date: the close of that day (each pair's StockDay on or before it), plus what was shipped on or
  before it and arrives after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from inventory.models import Facility, Item, StockBalance, StockDay, StockMovement
from ledger.models import INVENTORY_ROLES, AccountRole
from ledger.selectors import role_balances

ZERO = Decimal("0.00")


@dataclass
class ValuationRow:
    facility_id: int
    item_id: int
    on_hand_lb: Decimal = ZERO
    on_hand_value: Decimal = ZERO
    in_transit_lb: Decimal = ZERO
    in_transit_value: Decimal = ZERO

    @property
    def value(self) -> Decimal:
        return self.on_hand_value + self.in_transit_value


_POSTED_SQL = f"""
SELECT facility_id, item_id, on_hand_lb, value FROM {StockBalance._meta.db_table}
WHERE (on_hand_lb <> 0 OR value <> 0) {{where}}
"""

_CLOSING_SQL = f"""
SELECT DISTINCT ON (facility_id, item_id) facility_id, item_id, closing_lb, closing_value
FROM {StockDay._meta.db_table} WHERE date <= %(d)s {{where}}
ORDER BY facility_id, item_id, date DESC
"""

# In legs not yet delivered at the close of %(d)s whose out leg had left by then.
_TRANSIT_SQL = f"""
SELECT i.facility_id, i.item_id, SUM(i.quantity_lb), SUM(i.value)
FROM {StockMovement._meta.db_table} i
JOIN {StockMovement._meta.db_table} o ON o.id = i.transfer_pair_id
WHERE i.kind = 'transfer_in' AND i.effective_date > %(d)s AND o.effective_date <= %(d)s {{where}}
GROUP BY i.facility_id, i.item_id
"""


def _where(alias: str, facility_id: int | None, item_id: int | None) -> tuple[str, dict]:
    parts, params = [], {}
    if facility_id is not None:
        parts.append(f"AND {alias}facility_id = %(facility)s")
        params["facility"] = facility_id
    if item_id is not None:
        parts.append(f"AND {alias}item_id = %(item)s")
        params["item"] = item_id
    return " ".join(parts), params


def inventory_valuation(
    *, as_of: date | None = None, facility_id: int | None = None, item_id: int | None = None
) -> list[ValuationRow]:
    """Per (facility, item): on hand and in transit, lb and value. Three grouped queries at most."""
    rows: dict[tuple[int, int], ValuationRow] = {}
    where, params = _where("", facility_id, item_id)
    transit_on = as_of if as_of is not None else timezone.localdate()
    with connection.cursor() as cursor:
        if as_of is None:
            cursor.execute(_POSTED_SQL.format(where=where), params)
        else:
            cursor.execute(_CLOSING_SQL.format(where=where), {**params, "d": as_of})
        for f, i, lb, value in cursor.fetchall():
            rows[(f, i)] = ValuationRow(f, i, on_hand_lb=lb, on_hand_value=value)
        twhere, tparams = _where("i.", facility_id, item_id)
        cursor.execute(_TRANSIT_SQL.format(where=twhere), {**tparams, "d": transit_on})
        for f, i, lb, value in cursor.fetchall():
            row = rows.setdefault((f, i), ValuationRow(f, i))
            row.in_transit_lb, row.in_transit_value = lb, value
            if as_of is None:  # StockBalance already holds the in legs: split them out of on hand
                row.on_hand_lb -= lb
                row.on_hand_value -= value
    return [row for _, row in sorted(rows.items()) if row.on_hand_lb or row.value or row.in_transit_lb]


@dataclass
class ReconciliationRow:
    facility_id: int | None
    stock_value: Decimal = ZERO
    in_transit_value: Decimal = ZERO
    gl_inventory: Decimal = ZERO
    gl_in_transit: Decimal = ZERO

    @property
    def stock_total(self) -> Decimal:
        return self.stock_value + self.in_transit_value

    @property
    def gl_total(self) -> Decimal:
        return self.gl_inventory + self.gl_in_transit

    @property
    def difference(self) -> Decimal:
        return self.gl_total - self.stock_total


def inventory_reconciliation(*, as_of: date | None = None) -> list[ReconciliationRow]:
    """Per facility: the stock valuation against the inventory-role accounts (lines without a facility
    come under None). Every difference is zero when every valued movement was booked."""
    out: dict[int | None, ReconciliationRow] = {}
    for row in inventory_valuation(as_of=as_of):
        rec = out.setdefault(row.facility_id, ReconciliationRow(row.facility_id))
        rec.stock_value += row.on_hand_value
        rec.in_transit_value += row.in_transit_value
    for (role, facility_id), balance in role_balances(roles=INVENTORY_ROLES, as_of=as_of).items():
        rec = out.setdefault(facility_id, ReconciliationRow(facility_id))
        if role == AccountRole.INVENTORY:
            rec.gl_inventory += balance
        else:
            rec.gl_in_transit += balance
    return sorted(
        (r for r in out.values() if r.stock_total or r.gl_total or r.gl_inventory),
        key=lambda r: (r.facility_id is None, r.facility_id or 0),
    )


def names(*, facility_ids: set, item_ids: set = frozenset()) -> tuple[dict[int, str], dict[int, Item]]:
    """Facility codes and items for rendering rows."""
    facilities = dict(Facility.objects.filter(pk__in=facility_ids - {None}).values_list("pk", "code"))
    items = Item.objects.in_bulk(item_ids) if item_ids else {}
    return facilities, items


def production_order_list():
    from django.db.models import Prefetch

    from inventory.models import ProductionOrder, ProductionOrderInput, ProductionOrderOutput, WorkDemand

    return ProductionOrder.objects.select_related("pattern", "facility").prefetch_related(
        Prefetch("inputs", queryset=ProductionOrderInput.objects.select_related("lot").order_by("id")),
        Prefetch("outputs", queryset=ProductionOrderOutput.objects.select_related("item", "lot").order_by("id")),
        Prefetch("demands", queryset=WorkDemand.objects.order_by("id")),
    )


def transfer_order_list():
    from django.db.models import Prefetch

    from inventory.models import TransferOrder, TransferOrderLot, WorkDemand

    return TransferOrder.objects.select_related("lane__from_facility", "lane__to_facility", "item").prefetch_related(
        Prefetch("lots", queryset=TransferOrderLot.objects.select_related("lot").order_by("id")),
        Prefetch("demands", queryset=WorkDemand.objects.order_by("id")),
    )
