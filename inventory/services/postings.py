"""stock_post: one entry point for POST /stock-movements/ (and the silo UI), routing a request that names
lots by id or code, or none, to the right posting service, in one transaction."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from cashsheet.api.exceptions import InvalidInput
from inventory.models import INBOUND_KINDS, Facility, Item, Lot, LotOrigin, MovementKind, StockMovement
from inventory.selectors import transfer_lane_between
from inventory.services.lots import lot_code_next, lot_create
from inventory.services.stock import stock_issue, stock_movement_post, stock_transfer_post

LOT_DETAILS = ("pack_date", "use_by_date", "kill_date", "state", "vendor", "vendor_lot_code", "establishment_number")


def _resolve(*, item: Item, lot: Lot | None, lot_code: str, field: str) -> Lot | None:
    """The lot named by id or by code (of this item); None when a code names no lot yet."""
    lot_code = (lot_code or "").strip()
    if lot is not None:
        if lot_code and lot.code.upper() != lot_code.upper():
            raise InvalidInput(f"lot {lot.pk} is {lot.code}, not {lot_code}.", field=field)
        return lot
    if not lot_code:
        return None
    return Lot.objects.select_related("item", "facility").filter(item=item, code__iexact=lot_code).first()


def _check_details_match(lot: Lot, details: dict) -> None:
    """A receipt into an existing lot may repeat its label, not contradict it."""
    for name, value in details.items():
        current = getattr(lot, name)
        if value not in (None, "") and value != current:
            shown = getattr(current, "code", current)
            raise InvalidInput(f"Lot {lot.code} already has {name} {shown}; it cannot change on a receipt.", field=name)


def _inbound(*, facility, item, kind, lot, lot_code, details, effective_date, unit_cost_per_lb) -> Lot | None:
    existing = _resolve(item=item, lot=lot, lot_code=lot_code, field="lot_code")
    if existing is not None:
        _check_details_match(existing, details)
        return existing
    if kind == MovementKind.ADJUSTMENT:
        if lot_code:
            raise InvalidInput(f"{item.imps_code} has no lot '{lot_code}'.", field="lot_code")
        return None  # stock_movement_post names what is missing
    if not lot_code and not details:
        return None  # a generated lot, packed on the movement's date
    origin = LotOrigin.RECEIPT if kind == MovementKind.RECEIPT else LotOrigin.PRODUCTION
    return lot_create(
        item=item,
        facility=facility,
        code=lot_code or lot_code_next(facility=facility, on=effective_date),
        origin=origin,
        pack_date=details.pop("pack_date", None) or effective_date,
        unit_cost_per_lb=unit_cost_per_lb,
        **details,
    )


@transaction.atomic
def stock_post(
    *,
    facility: Facility,
    item: Item,
    kind: str,
    effective_date: date,
    quantity_lb=None,
    direction: int | None = None,
    lot: Lot | None = None,
    lot_code: str = "",
    lots: list[dict] | None = None,
    lot_details: dict | None = None,
    unit_cost_per_lb=None,
    memo: str = "",
    to_facility: Facility | None = None,
) -> list[StockMovement]:
    """Post what a client sent: every movement written, in order (a transfer: out leg, in leg, ...).

    `lots` is [{"lot": Lot | None, "lot_code": str, "quantity_lb"}] for outbound postings over several
    named lots; `lot_details` (pack_date, use_by_date, ...) label the new lot a receipt creates.
    """
    details = {k: v for k, v in (lot_details or {}).items() if k in LOT_DETAILS and v not in (None, "")}
    if kind == MovementKind.TRANSFER_IN:
        raise InvalidInput("Post kind=transfer_out with to_facility; the in leg is posted with it.", field="kind")
    if to_facility is not None and kind != MovementKind.TRANSFER_OUT:
        raise InvalidInput("to_facility is only for kind=transfer_out.", field="to_facility")
    inbound = kind in INBOUND_KINDS or (kind == MovementKind.ADJUSTMENT and direction == 1)
    if details and not inbound:
        raise InvalidInput(f"{next(iter(details))} labels a new lot: only for receipts.", field=next(iter(details)))
    if inbound:
        if lots is not None:
            raise InvalidInput("An inbound movement goes into one lot: give lot or lot_code.", field="lots")
        lot = _inbound(
            facility=facility, item=item, kind=kind, lot=lot, lot_code=lot_code, details=details,
            effective_date=effective_date, unit_cost_per_lb=unit_cost_per_lb,
        )  # fmt: skip
        common = {"unit_cost_per_lb": unit_cost_per_lb, "direction": direction}
        return [
            stock_movement_post(
                facility=facility, item=item, kind=kind, quantity_lb=quantity_lb, effective_date=effective_date,
                lot=lot, memo=memo, **common,
            )
        ]  # fmt: skip

    named = None
    if lot is not None or lot_code:
        if lots is not None:
            raise InvalidInput("Give lot (or lot_code) or lots, not both.", field="lots")
        one = _resolve(item=item, lot=lot, lot_code=lot_code, field="lot_code")
        if one is None:
            raise InvalidInput(f"{item.imps_code} has no lot '{lot_code.strip()}'.", field="lot_code")
        if quantity_lb is None:
            raise InvalidInput("A number is required.", field="quantity_lb")
        named, field = [(one, quantity_lb)], "lot"
    elif lots is not None:
        named, field = [], "lots"
        for index, entry in enumerate(lots):
            found = _resolve(item=item, lot=entry.get("lot"), lot_code=entry.get("lot_code", ""), field=f"lots.{index}")
            if found is None:
                code = (entry.get("lot_code") or "").strip()
                raise InvalidInput(
                    f"{item.imps_code} has no lot '{code}'." if code else "Give the lot by id or lot_code.",
                    field=f"lots.{index}.lot",
                )
            named.append((found, entry.get("quantity_lb")))
    if kind == MovementKind.TRANSFER_OUT:
        if to_facility is None:
            raise InvalidInput("A transfer_out needs to_facility (the destination).", field="to_facility")
        if direction is not None:
            raise InvalidInput("direction is only given for adjustments; the kind gives it.", field="direction")
        if unit_cost_per_lb is not None:
            raise InvalidInput("A transfer moves stock at the source's average cost.", field="unit_cost_per_lb")
        lane = transfer_lane_between(from_facility=facility, to_facility=to_facility)
        if named is not None and field == "lot":
            legs = stock_transfer_post(lane=lane, item=item, ship_date=effective_date, lot=named[0][0],
                                       quantity_lb=quantity_lb, memo=memo)  # fmt: skip
        else:
            legs = stock_transfer_post(lane=lane, item=item, ship_date=effective_date, lots=named,
                                       quantity_lb=quantity_lb, memo=memo)  # fmt: skip
        return [leg for pair in legs for leg in pair]
    return stock_issue(
        facility=facility, item=item, kind=kind, direction=direction, effective_date=effective_date,
        quantity_lb=quantity_lb, lots=named, memo=memo, field="lots" if named is None else field,
    )  # fmt: skip
