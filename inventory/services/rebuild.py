"""Rebuild StockBalance and StockDay (and the lots' LotBalance and LotDay) from the movements, reporting every
row that drifted.

The kept tables are the truth reads rely on; movements are the truth they are derived from. The
rebuild takes an EXCLUSIVE lock on the balance table first: every posting locks a balance row
before writing, so postings wait (reads do not) and the rebuild sees a quiet ledger of movements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from cashsheet.api.fields import quantize
from inventory.models import LotBalance, LotDay, StockBalance, StockDay, StockMovement

ZERO = Decimal("0.00")

_BALANCES_SQL = f"""
SELECT facility_id, item_id, SUM(direction * quantity_lb), SUM(value)
FROM {StockMovement._meta.db_table} GROUP BY facility_id, item_id
"""

_DAYS_SQL = f"""
SELECT facility_id, item_id, effective_date,
       SUM(SUM(direction * quantity_lb)) OVER w, SUM(SUM(value)) OVER w
FROM {StockMovement._meta.db_table}
GROUP BY facility_id, item_id, effective_date
WINDOW w AS (PARTITION BY facility_id, item_id ORDER BY effective_date)
"""

_LOT_BALANCES_SQL = f"""
SELECT lot_id, facility_id, SUM(direction * quantity_lb)
FROM {StockMovement._meta.db_table} GROUP BY lot_id, facility_id
"""

_LOT_DAYS_SQL = f"""
SELECT lot_id, facility_id, effective_date, SUM(SUM(direction * quantity_lb)) OVER w
FROM {StockMovement._meta.db_table}
GROUP BY lot_id, facility_id, effective_date
WINDOW w AS (PARTITION BY lot_id, facility_id ORDER BY effective_date)
"""


@dataclass(frozen=True)
class Drift:
    table: str  # "balance", "day", "lot_balance" or "lot_day"
    facility_id: int
    item_id: int
    day: date | None
    kept: tuple | None  # (lb, value) in the table ((lb,) for lots), None when the row is missing
    rebuilt: tuple | None  # the same from movements, None when the row should not exist
    lot_id: int | None = None  # lot rows: item_id is None

    def __str__(self) -> str:
        owner = f"lot={self.lot_id}" if self.lot_id else f"item={self.item_id}"
        where = f"facility={self.facility_id} {owner}" + (f" date={self.day}" if self.day else "")
        return f"{self.table} {where}: kept {_fmt(self.kept)}, movements say {_fmt(self.rebuilt)}"


def _fmt(row) -> str:
    if row is None:
        return "missing"
    return f"{row[0]} lb" if len(row) == 1 else f"{row[0]} lb / {row[1]}"


def _query(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def stock_rebuild(*, fix: bool = True) -> list[Drift]:
    """Compare the kept tables with the movements of the current silo; with `fix`, rewrite drifted rows."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {StockBalance._meta.db_table} IN EXCLUSIVE MODE")
        drifts = _balance_drifts() + _day_drifts() + _lot_balance_drifts() + _lot_day_drifts()
        if fix and drifts:
            _fix(drifts)
    return drifts


def _balance_drifts() -> list[Drift]:
    rebuilt = {(f, i): (quantize(lb), quantize(v)) for f, i, lb, v in _query(_BALANCES_SQL)}
    kept = {(b.facility_id, b.item_id): (b.on_hand_lb, b.value) for b in StockBalance.objects.all()}
    drifts = []
    for pair in sorted(set(rebuilt) | set(kept)):
        want = rebuilt.get(pair, (ZERO, ZERO))
        have = kept.get(pair)
        if have != want:
            drifts.append(Drift("balance", pair[0], pair[1], None, have, want))
    return drifts


def _day_drifts() -> list[Drift]:
    rebuilt = {(f, i, d): (quantize(lb), quantize(v)) for f, i, d, lb, v in _query(_DAYS_SQL)}
    kept = {
        (f, i, d): (lb, v)
        for f, i, d, lb, v in StockDay.objects.values_list(
            "facility_id", "item_id", "date", "closing_lb", "closing_value"
        )
    }
    return [
        Drift("day", key[0], key[1], key[2], kept.get(key), rebuilt.get(key))
        for key in sorted(set(rebuilt) | set(kept))
        if kept.get(key) != rebuilt.get(key)
    ]


def _lot_balance_drifts() -> list[Drift]:
    rebuilt = {(lot, f): (quantize(lb),) for lot, f, lb in _query(_LOT_BALANCES_SQL)}
    kept = {(b.lot_id, b.facility_id): (b.on_hand_lb,) for b in LotBalance.objects.all()}
    drifts = []
    for key in sorted(set(rebuilt) | set(kept)):
        want, have = rebuilt.get(key, (ZERO,)), kept.get(key)
        if have != want:
            drifts.append(Drift("lot_balance", key[1], None, None, have, want, lot_id=key[0]))
    return drifts


def _lot_day_drifts() -> list[Drift]:
    rebuilt = {(lot, f, d): (quantize(lb),) for lot, f, d, lb in _query(_LOT_DAYS_SQL)}
    kept = {
        (lot, f, d): (lb,)
        for lot, f, d, lb in LotDay.objects.values_list("lot_id", "facility_id", "date", "closing_lb")
    }
    return [
        Drift("lot_day", key[1], None, key[2], kept.get(key), rebuilt.get(key), lot_id=key[0])
        for key in sorted(set(rebuilt) | set(kept))
        if kept.get(key) != rebuilt.get(key)
    ]


def _fix(drifts: list[Drift]) -> None:
    for drift in (d for d in drifts if d.table == "balance"):
        lb, value = drift.rebuilt
        defaults = {"on_hand_lb": lb, "value": value}
        if lb > 0:
            defaults["avg_cost_per_lb"] = quantize(value / lb, 4)
        StockBalance.objects.update_or_create(facility_id=drift.facility_id, item_id=drift.item_id, defaults=defaults)
    for drift in (d for d in drifts if d.table == "lot_balance"):
        LotBalance.objects.update_or_create(
            lot_id=drift.lot_id, facility_id=drift.facility_id, defaults={"on_hand_lb": drift.rebuilt[0]}
        )
    for drift in (d for d in drifts if d.table == "lot_day"):
        rows = LotDay.objects.filter(lot_id=drift.lot_id, facility_id=drift.facility_id, date=drift.day)
        if drift.rebuilt is None:
            rows.delete()
        else:
            LotDay.objects.update_or_create(
                lot_id=drift.lot_id, facility_id=drift.facility_id, date=drift.day,
                defaults={"closing_lb": drift.rebuilt[0]},
            )  # fmt: skip
    for drift in (d for d in drifts if d.table == "day"):
        rows = StockDay.objects.filter(facility_id=drift.facility_id, item_id=drift.item_id, date=drift.day)
        if drift.rebuilt is None:
            rows.delete()
        else:
            lb, value = drift.rebuilt
            StockDay.objects.update_or_create(
                facility_id=drift.facility_id,
                item_id=drift.item_id,
                date=drift.day,
                defaults={"closing_lb": lb, "closing_value": value},
            )
