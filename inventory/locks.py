"""Row locks for stock. Every writer of stock locks StockBalance rows through these helpers.

Rows are locked in primary-key order, so two transactions that need the same rows (a transfer
touches two facilities) always queue in the same order and cannot deadlock. Lot balances are
locked after stock balances, never before (a hold locks the stock balances of its lot first too).
"""

from collections.abc import Iterable

from django.db.models import Q

from inventory.models import Item, LotBalance, StockBalance


def stock_balances_lock(*, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], StockBalance]:
    """Lock (creating when missing) the StockBalance rows of the (facility_id, item_id) pairs.

    Returns them keyed by pair. Must run inside a transaction. A missing row is inserted with
    ON CONFLICT DO NOTHING first, so two first-ever postings for a pair both end up locking the
    one row instead of one of them failing on the unique constraint.
    """
    wanted = sorted(set(pairs))
    if not wanted:
        return {}  # an empty Q() would match, and lock, every row
    condition = Q()
    for facility_id, item_id in wanted:
        condition |= Q(facility_id=facility_id, item_id=item_id)
    rows = _locked(condition)
    missing = [pair for pair in wanted if pair not in rows]
    if missing:
        StockBalance.objects.bulk_create(
            [StockBalance(facility_id=f, item_id=i) for f, i in missing], ignore_conflicts=True
        )
        rows = _locked(condition)
    return rows


def _locked(condition: Q) -> dict[tuple[int, int], StockBalance]:
    qs = StockBalance.objects.filter(condition).order_by("pk").select_for_update()
    return {(row.facility_id, row.item_id): row for row in qs}


def item_lock(*, item_id: int) -> Item:
    """Lock one item row (FOR UPDATE): a concurrent first movement of the item (whose foreign key
    takes FOR KEY SHARE on it) waits, so an imps_code change and a first movement cannot interleave."""
    return Item.objects.select_for_update().get(pk=item_id)


def lot_balances_lock(*, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], LotBalance]:
    """Lock (creating when missing) the LotBalance rows of the (lot_id, facility_id) pairs, in pk order.

    Call after stock_balances_lock for the same facilities and items.
    """
    wanted = sorted(set(pairs))
    if not wanted:
        return {}
    condition = Q()
    for lot_id, facility_id in wanted:
        condition |= Q(lot_id=lot_id, facility_id=facility_id)
    rows = _lots_locked(condition)
    missing = [pair for pair in wanted if pair not in rows]
    if missing:
        LotBalance.objects.bulk_create(
            [LotBalance(lot_id=lot, facility_id=f) for lot, f in missing], ignore_conflicts=True
        )
        rows = _lots_locked(condition)
    return rows


def _lots_locked(condition: Q) -> dict[tuple[int, int], LotBalance]:
    qs = LotBalance.objects.filter(condition).order_by("pk").select_for_update()
    return {(row.lot_id, row.facility_id): row for row in qs}
