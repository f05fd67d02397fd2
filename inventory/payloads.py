"""Event payloads for inventory: the resource as GET renders it (webhook receivers get what a read returns)."""

from __future__ import annotations

from decimal import Decimal

from cashsheet.api.rendering import date_str as _date
from cashsheet.api.rendering import datetime_str as _dt
from inventory.models import Lot


def lot_balances(lot: Lot) -> list[dict]:
    """Per facility the lot lies in (today's closing), from `lot_list()`'s prefetch."""
    return [
        {"facility": b.facility_id, "facility_code": b.facility.code, "on_hand_lb": f"{b.closing_lb or 0:.2f}"}
        for b in lot.balances.all()
        if b.closing_lb
    ]


def lot_holds(lot: Lot) -> list[dict]:
    return [
        {
            "reason": h.reason,
            "held_at": _dt(h.held_at),
            "held_by": h.held_by_id,
            "released_at": _dt(h.released_at),
            "release_reason": h.release_reason,
            "released_by": h.released_by_id,
        }
        for h in lot.holds.all()
    ]


def lot_payload(lot: Lot) -> dict:
    """The lot as GET /lots/{id}/ renders it (read again through the selector)."""
    from inventory.selectors import lot_list

    return lot_render(lot_list().get(pk=lot.pk))


def lot_render(lot: Lot, *, balances: list[dict] | None = None, holds: list[dict] | None = None) -> dict:
    """A lot from `lot_list()` (balances and holds prefetched) as the API renders it; `balances` and `holds`
    (already rendered) spare reading them, as the event-type example does."""
    balances = lot_balances(lot) if balances is None else balances
    return {
        "id": lot.pk,
        "code": lot.code,
        "item": lot.item_id,
        "imps_code": lot.item.imps_code,
        "facility": lot.facility_id,
        "facility_code": lot.facility.code,
        "origin": lot.origin,
        "vendor": lot.vendor_id,
        "vendor_code": lot.vendor.code if lot.vendor else None,
        "vendor_lot_code": lot.vendor_lot_code,
        "establishment_number": lot.establishment_number,
        "pack_date": _date(lot.pack_date),
        "kill_date": _date(lot.kill_date),
        "use_by_date": _date(lot.use_by_date),
        "state": lot.state,
        "on_hand_lb": f"{sum((Decimal(b['on_hand_lb']) for b in balances), Decimal('0.00')):.2f}",
        "balances": balances,
        "on_hold": lot.on_hold,
        "hold_reason": lot.hold_reason,
        "held_at": _dt(lot.held_at),
        "holds": lot_holds(lot) if holds is None else holds,
        "unit_cost_per_lb": f"{lot.unit_cost_per_lb:.4f}" if lot.unit_cost_per_lb is not None else None,
        "created_at": _dt(lot.created_at),
        "updated_at": _dt(lot.updated_at),
    }
