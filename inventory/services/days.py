"""The day tables' SQL: moving closings forward from a date, and what is available on a date.

StockDay (per facility and item) and LotDay (per lot and facility) hold the closing after every date
with a movement. A movement dated D shifts every row on or after D; their CHECK constraints make any
posting that would take a later day below zero fail in the database itself. Callers hold the
facility and item's StockBalance lock (inventory.locks), so nobody else moves these rows meanwhile.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection

from inventory.models import Lot, LotBalance, LotDay, StockDay

ZERO = Decimal("0.00")
_DAY, _LOTDAY = StockDay._meta.db_table, LotDay._meta.db_table
_LOT, _LOTBAL = Lot._meta.db_table, LotBalance._meta.db_table

# One statement moves the days: every row on or after D shifts by the movement, and when D has no
# row yet, one is inserted from the latest earlier closing (or zero) plus the movement. Not an
# INSERT .. ON CONFLICT DO UPDATE: PostgreSQL checks CHECK constraints on the proposed row before
# it looks for the conflict, so a same-day shipment would fail `closing_lb >= 0` on "0 - q".
_MOVE_STOCK_DAYS_SQL = f"""
WITH moved AS (
  UPDATE {_DAY} SET closing_lb = closing_lb + %(q)s, closing_value = closing_value + %(v)s
  WHERE facility_id = %(f)s AND item_id = %(i)s AND date >= %(d)s
  RETURNING date
)
INSERT INTO {_DAY} (facility_id, item_id, date, closing_lb, closing_value)
SELECT %(f)s, %(i)s, %(d)s, COALESCE(p.closing_lb, 0) + %(q)s, COALESCE(p.closing_value, 0) + %(v)s
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
  SELECT closing_lb, closing_value FROM {_DAY}
  WHERE facility_id = %(f)s AND item_id = %(i)s AND date < %(d)s ORDER BY date DESC LIMIT 1
) AS p ON true
WHERE NOT EXISTS (SELECT 1 FROM moved WHERE moved.date = %(d)s)
"""

_MOVE_LOT_DAYS_SQL = f"""
WITH moved AS (
  UPDATE {_LOTDAY} SET closing_lb = closing_lb + %(q)s
  WHERE lot_id = %(l)s AND facility_id = %(f)s AND date >= %(d)s
  RETURNING date
)
INSERT INTO {_LOTDAY} (lot_id, facility_id, date, closing_lb)
SELECT %(l)s, %(f)s, %(d)s, COALESCE(p.closing_lb, 0) + %(q)s
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
  SELECT closing_lb FROM {_LOTDAY}
  WHERE lot_id = %(l)s AND facility_id = %(f)s AND date < %(d)s ORDER BY date DESC LIMIT 1
) AS p ON true
WHERE NOT EXISTS (SELECT 1 FROM moved WHERE moved.date = %(d)s)
"""

_PAIR_AVAILABLE_SQL = f"""
SELECT
  (SELECT closing_lb FROM {_DAY} WHERE facility_id = %(f)s AND item_id = %(i)s AND date <= %(d)s
   ORDER BY date DESC LIMIT 1),
  (SELECT MIN(closing_lb) FROM {_DAY} WHERE facility_id = %(f)s AND item_id = %(i)s AND date > %(d)s)
"""

_PAIR_FIRST_SHORT_SQL = f"""
SELECT date FROM {_DAY} WHERE facility_id = %(f)s AND item_id = %(i)s AND date > %(d)s AND closing_lb < %(q)s
ORDER BY date LIMIT 1
"""

# Per lot lying at the facility: lb on hand at the close of D and the smallest later closing. What
# can leave on D is the smaller of the two (a later-dated movement already counts on the rest).
# LEAST ignores NULL, so a lot without later rows is limited by its closing on D alone.
_LOTS_AVAILABLE_SQL = f"""
SELECT b.lot_id, COALESCE(cur.closing_lb, 0), LEAST(COALESCE(cur.closing_lb, 0), later.min_lb), later.first_short
FROM {_LOTBAL} b
JOIN {_LOT} l ON l.id = b.lot_id
LEFT JOIN LATERAL (
  SELECT closing_lb FROM {_LOTDAY} d
  WHERE d.lot_id = b.lot_id AND d.facility_id = b.facility_id AND d.date <= %(d)s ORDER BY d.date DESC LIMIT 1
) AS cur ON true
LEFT JOIN LATERAL (
  SELECT MIN(closing_lb) AS min_lb,
         MIN(date) FILTER (WHERE closing_lb < %(q)s) AS first_short
  FROM {_LOTDAY} d WHERE d.lot_id = b.lot_id AND d.facility_id = b.facility_id AND d.date > %(d)s
) AS later ON true
WHERE b.facility_id = %(f)s AND b.on_hand_lb > 0 AND {{where}}
"""


def stock_days_move(*, facility_id: int, item_id: int, on: date, quantity: Decimal, value: Decimal) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_STOCK_DAYS_SQL, {"f": facility_id, "i": item_id, "d": on, "q": quantity, "v": value})


def lot_days_move(*, lot_id: int, facility_id: int, on: date, quantity: Decimal) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_LOT_DAYS_SQL, {"l": lot_id, "f": facility_id, "d": on, "q": quantity})


def pair_available(*, facility_id: int, item_id: int, on: date, quantity: Decimal) -> tuple[Decimal, date]:
    """(lb that can leave the pair on `on`, the first date that would go short of `quantity`)."""
    params = {"f": facility_id, "i": item_id, "d": on, "q": quantity}
    with connection.cursor() as cursor:
        cursor.execute(_PAIR_AVAILABLE_SQL, params)
        at_date, later_min = cursor.fetchone()
        at_date = at_date if at_date is not None else ZERO
        available = at_date if later_min is None else min(at_date, later_min)
        short_on = on
        if available < quantity and at_date >= quantity:
            cursor.execute(_PAIR_FIRST_SHORT_SQL, params)
            short_on = cursor.fetchone()[0]
    return available, short_on


def lots_available(
    *, facility_id: int, on: date, item_id: int | None = None, lot_ids: list[int] | None = None, quantity=ZERO
) -> dict[int, tuple[Decimal, Decimal, date | None]]:
    """lot id -> (closing on `on`, lb that can leave `facility` on `on`, first later date short of `quantity`).

    For the lots of `item_id` lying there, or for `lot_ids`. Lots without stock there are left out.
    """
    if lot_ids is not None:
        where, params = "b.lot_id = ANY(%(ids)s)", {"ids": list(lot_ids)}
    else:
        where, params = "l.item_id = %(i)s", {"i": item_id}
    params |= {"f": facility_id, "d": on, "q": quantity}
    with connection.cursor() as cursor:
        cursor.execute(_LOTS_AVAILABLE_SQL.format(where=where), params)
        return {lot_id: (closing, available, short) for lot_id, closing, available, short in cursor.fetchall()}


# The same move for many pairs in one statement (distinct (facility, item) pairs: a production's outputs).
_MOVE_STOCK_DAYS_MANY_SQL = f"""
WITH m(f, i, d, q, v) AS (
  SELECT * FROM unnest(%(f)s::bigint[], %(i)s::bigint[], %(d)s::date[], %(q)s::numeric[], %(v)s::numeric[])
),
moved AS (
  UPDATE {_DAY} AS s SET closing_lb = s.closing_lb + m.q, closing_value = s.closing_value + m.v
  FROM m WHERE s.facility_id = m.f AND s.item_id = m.i AND s.date >= m.d
  RETURNING s.facility_id, s.item_id, s.date
)
INSERT INTO {_DAY} (facility_id, item_id, date, closing_lb, closing_value)
SELECT m.f, m.i, m.d, COALESCE(p.closing_lb, 0) + m.q, COALESCE(p.closing_value, 0) + m.v
FROM m
LEFT JOIN LATERAL (
  SELECT closing_lb, closing_value FROM {_DAY}
  WHERE facility_id = m.f AND item_id = m.i AND date < m.d ORDER BY date DESC LIMIT 1
) AS p ON true
WHERE NOT EXISTS (SELECT 1 FROM moved WHERE moved.facility_id = m.f AND moved.item_id = m.i AND moved.date = m.d)
"""


def stock_days_move_many(*, rows: list[tuple[int, int, date, Decimal, Decimal]]) -> None:
    """stock_days_move for many (facility_id, item_id, on, quantity, value) rows of distinct pairs, one statement."""
    if not rows:
        return
    pairs = {(f, i) for f, i, *_ in rows}
    if len(pairs) != len(rows):
        raise ValueError("stock_days_move_many takes each (facility, item) pair once")
    f, i, d, q, v = (list(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_STOCK_DAYS_MANY_SQL, {"f": f, "i": i, "d": d, "q": q, "v": v})
