"""The webhook event types inventory emits, with examples built by inventory/payloads.py (no database access)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from inventory.models import Facility, Item, Lot, LotOrigin, LotState
from inventory.payloads import lot_render
from parties.models import Vendor
from webhooks.events import EventType, event_types_register


def example_lot(*, held: bool) -> dict:
    """Lot SH-0311 of 112A received at BLYTHE from SANDHILLS, held for a temperature excursion (or released)."""
    received = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    held_at = datetime(2026, 3, 4, 14, 5, tzinfo=UTC)
    released_at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    blythe = Facility(id=1, code="BLYTHE", name="Blythe processing plant")
    reason = "Cooler 3 above 40 °F for 2 h; QA to inspect."
    lot = Lot(
        id=311, code="SH-0311", item=Item(id=7, imps_code="112A"), facility=blythe, origin=LotOrigin.RECEIPT,
        vendor=Vendor(id=5, code="SANDHILLS", name="Sandhills Cattle Co."), vendor_lot_code="V-88812",
        establishment_number="EST. 245C", pack_date=date(2026, 3, 1), kill_date=date(2026, 2, 27),
        use_by_date=date(2026, 3, 22), state=LotState.CHILLED, on_hold=held, hold_reason=reason if held else "",
        held_at=held_at if held else None, unit_cost_per_lb=Decimal("9.5000"), created_at=received,
        updated_at=held_at if held else released_at,
    )  # fmt: skip
    balances = [{"facility": 1, "facility_code": "BLYTHE", "on_hand_lb": "2400.00"}]
    holds = [
        {"reason": reason, "held_at": "2026-03-04T14:05:00Z", "held_by": 12,
         "released_at": None if held else "2026-03-05T09:00:00Z",
         "release_reason": "" if held else "QA: core temperatures in range.", "released_by": None if held else 12},
    ]  # fmt: skip
    return lot_render(lot, balances=balances, holds=holds)


event_types_register(
    EventType(
        "lot.held",
        "A lot was put on hold (it cannot ship, transfer or be promised until released).",
        lambda: example_lot(held=True),
    ),
    EventType("lot.released", "A held lot was released.", lambda: example_lot(held=False)),
)
