"""Lots: create and correct them, hold and release them, and pick them first-expired-first-out.

Stock moves in and out of lots only through inventory.services.stock; these services write the lot
itself. A hold locks the lot's stock balances first (the order every posting takes), so a shipment
either commits before the hold or sees it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from cashsheet.api.exceptions import InvalidInput, InvalidTransition
from cashsheet.api.services import ensure_unique
from inventory.errors import InsufficientStock
from inventory.locks import lot_balances_lock, stock_balances_lock
from inventory.models import (
    Facility,
    InventorySequence,
    Item,
    Lot,
    LotBalance,
    LotHold,
    LotOrigin,
    LotState,
    StockBalance,
    StockMovement,
)
from inventory.services.days import lots_available, pair_available
from inventory.services.inputs import date_input, quantity_input, unit_cost_input
from parties.models import Vendor
from webhooks.services import event_emit

ZERO = Decimal("0.00")
LOT_UPDATE_FIELDS = frozenset(
    {
        "code",
        "pack_date",
        "kill_date",
        "use_by_date",
        "state",
        "vendor",
        "vendor_lot_code",
        "establishment_number",
        "unit_cost_per_lb",
    }
)


def shelf_life_use_by(*, item: Item, pack_date: date, state: str) -> date:
    days = item.frozen_shelf_life_days if state == LotState.FROZEN else item.shelf_life_days
    return pack_date + timedelta(days=days)


def _text(value, *, field: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be text.", field=field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"{field} may not be blank.", field=field)
    if len(value) > max_length:
        raise InvalidInput(f"{field} is longer than {max_length} characters.", field=field)
    return value


def _check_dates(*, pack_date: date, kill_date: date | None, use_by_date: date | None) -> None:
    if kill_date is not None and kill_date > pack_date:
        raise InvalidInput(f"kill_date {kill_date} is after pack_date {pack_date}.", field="kill_date")
    if use_by_date is not None and use_by_date < pack_date:
        raise InvalidInput(f"use_by_date {use_by_date} is before pack_date {pack_date}.", field="use_by_date")


def _check_code_free(*, item: Item, code: str, exclude: Lot | None = None) -> None:
    ensure_unique(
        Lot.objects.filter(item=item, code__iexact=code),
        field="code",
        value=code,
        label=f"lot of {item.imps_code}",
        exclude=exclude,
    )


def lot_code_next(*, facility: Facility, on: date) -> str:
    """A generated code, e.g. BLYTHE-26335-0042 (plant, year and day of year, silo-wide sequence).

    The sequence row stays locked until the caller's transaction ends, so codes never repeat.
    """
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_LOT_SQL)
        value = cursor.fetchone()[0]
    return f"{facility.code}-{on:%y%j}-{value:04d}"


def lot_codes_next(*, facility: Facility, on: date, count: int) -> list[str]:
    """`count` generated codes in one statement (the sequence advanced by `count`, its row locked likewise)."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_LOTS_SQL, [count, count])
        last = cursor.fetchone()[0]
    return [f"{facility.code}-{on:%y%j}-{value:04d}" for value in range(last - count + 1, last + 1)]


_NEXT_LOTS_SQL = f"""
INSERT INTO {InventorySequence._meta.db_table} AS s (name, value) VALUES ('lot', %s)
ON CONFLICT (name) DO UPDATE SET value = s.value + %s RETURNING value
"""


# One statement: the row exists in every silo (migration), the insert only guards a hand-made schema.
_NEXT_LOT_SQL = f"""
INSERT INTO {InventorySequence._meta.db_table} AS s (name, value) VALUES ('lot', 1)
ON CONFLICT (name) DO UPDATE SET value = s.value + 1 RETURNING value
"""


@transaction.atomic
def lot_create(
    *,
    item: Item,
    facility: Facility,
    code: str,
    origin: str,
    pack_date: date,
    use_by_date: date | None = None,
    state: str = LotState.CHILLED,
    kill_date: date | None = None,
    vendor: Vendor | None = None,
    vendor_lot_code: str = "",
    establishment_number: str = "",
    unit_cost_per_lb=None,
) -> Lot:
    """A new, empty lot; stock comes in through a receipt or production output naming it.

    `use_by_date` defaults to the pack date + the item's shelf life for `state`. A code the item
    already has (any case) is a 409 with `existing_id`.
    """
    code = _text(code, field="code", max_length=60, required=True)
    if origin not in LotOrigin.values:
        raise InvalidInput(f"Unknown origin '{origin}'; choose from {', '.join(LotOrigin.values)}.", field="origin")
    if state not in LotState.values:
        raise InvalidInput(f"Unknown state '{state}'; choose from {', '.join(LotState.values)}.", field="state")
    pack_date = date_input(pack_date, field="pack_date")
    kill_date = date_input(kill_date, field="kill_date", required=False)
    use_by_date = date_input(use_by_date, field="use_by_date", required=False)
    if use_by_date is None:
        use_by_date = shelf_life_use_by(item=item, pack_date=pack_date, state=state)
    _check_dates(pack_date=pack_date, kill_date=kill_date, use_by_date=use_by_date)
    _check_code_free(item=item, code=code)
    return Lot.objects.create(
        item=item,
        facility=facility,
        code=code,
        origin=origin,
        pack_date=pack_date,
        use_by_date=use_by_date,
        state=state,
        kill_date=kill_date,
        vendor=vendor,
        vendor_lot_code=_text(vendor_lot_code, field="vendor_lot_code", max_length=60),
        establishment_number=_text(establishment_number, field="establishment_number", max_length=20),
        unit_cost_per_lb=unit_cost_input(unit_cost_per_lb),
    )


def _lock_lot(lot: Lot) -> Lot:
    """Lock the lot's stock balances, then its lot balances, then the lot row (the postings' order)."""
    facility_ids = list(LotBalance.objects.filter(lot_id=lot.pk).values_list("facility_id", flat=True))
    stock_balances_lock(pairs=[(f, lot.item_id) for f in facility_ids])
    lot_balances_lock(pairs=[(lot.pk, f) for f in facility_ids])
    return Lot.objects.select_for_update().select_related("item", "facility").get(pk=lot.pk)


def _touch_supply(lot: Lot) -> None:
    """A hold or a new use-by changes what the ATP may promise: move the pairs' balance rows' updated_at,
    which the ATP's model cache watches (atp.selectors.watermarks), so its next check reloads."""
    facility_ids = LotBalance.objects.filter(lot_id=lot.pk).values_list("facility_id", flat=True)
    StockBalance.objects.filter(item_id=lot.item_id, facility_id__in=facility_ids).update(updated_at=timezone.now())


@transaction.atomic
def lot_update(*, lot: Lot, **fields) -> Lot:
    """Correct a lot's label. A new pack date or state recomputes the use-by unless one is given;
    the code can change only while no stock has moved through the lot."""
    unknown = set(fields) - LOT_UPDATE_FIELDS
    if unknown:
        raise TypeError(f"unknown lot fields: {sorted(unknown)}")
    lot = _lock_lot(lot)
    if "code" in fields:
        code = _text(fields["code"], field="code", max_length=60, required=True)
        if code != lot.code:
            if StockMovement.objects.filter(lot_id=lot.pk).exists():
                raise InvalidTransition(f"Lot {lot.code} has stock movements: its code cannot change.", field="code")
            _check_code_free(item=lot.item, code=code, exclude=lot)
        fields["code"] = code
    if "state" in fields and fields["state"] not in LotState.values:
        raise InvalidInput(
            f"Unknown state '{fields['state']}'; choose from {', '.join(LotState.values)}.", field="state"
        )
    for name in ("pack_date", "kill_date", "use_by_date"):
        if name in fields:
            fields[name] = date_input(fields[name], field=name, required=name == "pack_date")
    for name, length in (("vendor_lot_code", 60), ("establishment_number", 20)):
        if name in fields:
            fields[name] = _text(fields[name], field=name, max_length=length)
    if "unit_cost_per_lb" in fields:
        fields["unit_cost_per_lb"] = unit_cost_input(fields["unit_cost_per_lb"])
    relabel = ("pack_date" in fields or "state" in fields) and "use_by_date" not in fields
    for name, value in fields.items():
        setattr(lot, name, value)
    if relabel:
        lot.use_by_date = shelf_life_use_by(item=lot.item, pack_date=lot.pack_date, state=lot.state)
        fields["use_by_date"] = lot.use_by_date
    _check_dates(pack_date=lot.pack_date, kill_date=lot.kill_date, use_by_date=lot.use_by_date)
    lot.save(update_fields=[*fields, "updated_at"])
    if {"use_by_date", "pack_date", "state"} & set(fields):
        _touch_supply(lot)
    return lot


@transaction.atomic
def lot_hold(*, lot: Lot, reason: str, actor=None) -> Lot:
    """Put a lot on hold (nothing of it ships, transfers, goes into production or is promised) and
    emit `lot.held`. Holding a held lot again only updates the reason."""
    from inventory.payloads import lot_payload

    reason = _text(reason, field="hold_reason", max_length=500, required=True)
    lot = _lock_lot(lot)
    if lot.on_hold:
        if reason != lot.hold_reason:
            LotHold.objects.filter(lot=lot, released_at__isnull=True).update(reason=reason)
            lot.hold_reason = reason
            lot.save(update_fields=["hold_reason", "updated_at"])
        return lot
    now = timezone.now()
    LotHold.objects.create(lot=lot, reason=reason, held_at=now, held_by=actor)
    lot.on_hold, lot.hold_reason, lot.held_at = True, reason, now
    lot.save(update_fields=["on_hold", "hold_reason", "held_at", "updated_at"])
    _touch_supply(lot)
    event_emit(event_type="lot.held", obj=lot_payload(lot))
    return lot


@transaction.atomic
def lot_release(*, lot: Lot, reason: str = "", actor=None) -> Lot:
    """Release a held lot (e.g. a negative retest); the hold stays on record with the release reason."""
    from inventory.payloads import lot_payload

    reason = _text(reason, field="release_reason", max_length=500)
    lot = _lock_lot(lot)
    if not lot.on_hold:
        raise InvalidTransition(f"Lot {lot.code} is not on hold.", field="on_hold", lot=lot.pk, lot_code=lot.code)
    LotHold.objects.filter(lot=lot, released_at__isnull=True).update(
        released_at=timezone.now(), release_reason=reason, released_by=actor
    )
    lot.on_hold, lot.hold_reason, lot.held_at = False, "", None
    lot.save(update_fields=["on_hold", "hold_reason", "held_at", "updated_at"])
    _touch_supply(lot)
    event_emit(event_type="lot.released", obj=lot_payload(lot))
    return lot


def _fefo_key(lot: Lot):
    return (lot.use_by_date is None, lot.use_by_date or date.max, lot.pack_date, lot.pk)


def lots_pick_fefo(
    *, facility: Facility, item: Item, quantity_lb, on: date, min_use_by: date | None = None
) -> list[tuple[Lot, Decimal]]:
    """The lots to take `quantity_lb` from at `facility` on `on`, earliest use-by first.

    Only unheld lots whose use-by is on or after `on` (and `min_use_by`, when given) count. Not
    enough: InsufficientStock naming what is short and how much is held, expired or too short-dated.
    Exact when the caller holds the pair's stock balance lock (stock_issue does); a preview otherwise.
    """
    quantity = quantity_input(quantity_lb)
    context = {"facility": facility.pk, "facility_code": facility.code, "item": item.pk, "imps_code": item.imps_code}
    available, short_on = pair_available(facility_id=facility.pk, item_id=item.pk, on=on, quantity=quantity)
    if available < quantity:
        raise InsufficientStock(
            f"Not enough {item.imps_code} at {facility.code} on {short_on.isoformat()}: "
            f"{quantity} lb needed, {available} lb available, short {quantity - available} lb.",
            field="quantity_lb",
            **context,
            date=short_on.isoformat(),
            requested_lb=str(quantity),
            available_lb=str(available),
            shortfall_lb=str(quantity - available),
        )
    by_lot = lots_available(facility_id=facility.pk, on=on, item_id=item.pk)
    picks, remaining = [], quantity
    held = expired = short_dated = ZERO
    for lot in sorted(Lot.objects.filter(pk__in=list(by_lot)), key=_fefo_key):
        lb = by_lot[lot.pk][1]
        if lb <= 0:
            continue
        if lot.on_hold:
            held += lb
        elif lot.use_by_date is not None and lot.use_by_date < on:
            expired += lb
        elif min_use_by is not None and lot.use_by_date is not None and lot.use_by_date < min_use_by:
            short_dated += lb
        elif remaining > 0:
            take = min(lb, remaining)
            picks.append((lot, take))
            remaining -= take
    if remaining > 0:
        usable = quantity - remaining
        reasons = [f"{held} lb on hold"] if held else []
        reasons += [f"{expired} lb past its use-by"] if expired else []
        if short_dated:
            reasons.append(f"{short_dated} lb with a use-by before {min_use_by.isoformat()}")
        raise InsufficientStock(
            f"Not enough {item.imps_code} at {facility.code} on {on.isoformat()} in lots that may ship: "
            f"{quantity} lb needed, {usable} lb available, short {remaining} lb"
            + (f" ({', '.join(reasons)})." if reasons else "."),
            field="quantity_lb",
            **context,
            date=on.isoformat(),
            requested_lb=str(quantity),
            available_lb=str(usable),
            shortfall_lb=str(remaining),
            held_lb=str(held),
            expired_lb=str(expired),
            short_dated_lb=str(short_dated),
        )
    return picks
