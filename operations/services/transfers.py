"""Transfer orders: planned → shipped → received, or cancelled (while planned).

Shipping moves the lots over the lane (inventory.stock_transfer_post: out leg at the source on the ship
date, in leg at the destination dated by the lane's lead time, so the stock is "in transit" and owned by
the destination until then) with the lane's freight capitalised into the in legs, and books Dr Inventory
in transit (goods + freight) / Cr Inventory (source), Cr Accrued freight. Receiving (not before the lane's
lead time) books Dr Inventory / Cr Inventory in transit at the destination. Each emits its event.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cashsheet.api.exceptions import Conflict, InvalidInput, InvalidTransition
from cashsheet.api.fields import quantize
from inventory.models import (
    TRANSFER_TRANSITIONS,
    Item,
    Lot,
    TransferLane,
    TransferOrder,
    TransferOrderLot,
    TransferStatus,
)
from inventory.services import stock_transfer_post
from ledger.models import EntrySource
from operations.payloads import transfer_order_payload
from operations.services.orders import number_next, positive, transition_require, transition_stamp
from operations.services.postings import entry_post, transfer_receive_legs, transfer_ship_legs
from webhooks.services import event_emit

S = TransferStatus
ZERO = Decimal("0.00")


class TooEarly(Conflict):
    code = "not_arrived"


def _lock(order: TransferOrder) -> TransferOrder:
    return (
        TransferOrder.objects.select_for_update(of=("self",))
        .select_related("lane__from_facility", "lane__to_facility", "item")
        .get(pk=order.pk)
    )


def _require(order: TransferOrder, target: str) -> None:
    transition_require(order, target, transitions=TRANSFER_TRANSITIONS, noun="Transfer order")


def _lots(item: Item, lots, *, field: str = "lots") -> list[tuple[Lot, Decimal]]:
    out = []
    for index, entry in enumerate(lots or []):
        lot = entry.get("lot")
        if not isinstance(lot, Lot):
            raise InvalidInput("Give the lot.", field=f"{field}.{index}.lot")
        if lot.item_id != item.pk:
            raise InvalidInput(
                f"Lot {lot.code} is {lot.item.imps_code}, not {item.imps_code}.", field=f"{field}.{index}.lot",
                lot=lot.pk, lot_code=lot.code,
            )  # fmt: skip
        out.append((lot, positive(entry.get("quantity_lb"), f"{field}.{index}.quantity_lb")))
    return out


@transaction.atomic
def transfer_order_create(
    *, lane: TransferLane, item: Item, quantity_lb, ship_date: date, lots: list[dict] | None = None, memo: str = "",
    actor=None,
) -> TransferOrder:  # fmt: skip
    if not lane.active:
        raise InvalidInput(f"Lane {lane.pk} is inactive.", field="lane")
    quantity = positive(quantity_lb, "quantity_lb")
    named = _lots(item, lots)
    if named and sum(lb for _, lb in named) != quantity:
        raise InvalidInput("quantity_lb is not the sum of the lots' quantity_lb.", field="quantity_lb")
    order = TransferOrder.objects.create(
        number=number_next("transfer_order", "TO"), lane=lane, item=item, quantity_lb=quantity, ship_date=ship_date,
        memo=memo or "",
    )  # fmt: skip
    TransferOrderLot.objects.bulk_create([TransferOrderLot(order=order, lot=lot, quantity_lb=lb) for lot, lb in named])
    return order


@transaction.atomic
def transfer_order_update(*, order: TransferOrder, actor=None, **changes) -> TransferOrder:
    order = _lock(order)
    status = changes.pop("status", None)
    if status:
        if status == S.SHIPPED:
            return transfer_order_ship(order=order, actor=actor, **changes)
        if status == S.RECEIVED:
            return transfer_order_receive(order=order, actor=actor, **changes)
        if status == S.CANCELLED:
            return transfer_order_cancel(order=order, actor=actor)
        raise InvalidInput(f"Unknown status '{status}'.", field="status")
    if order.status != S.PLANNED:
        raise InvalidTransition(
            f"Transfer order {order.number} is {order.status}; only planned orders can be edited.",
            field="status", current_status=order.status,
        )  # fmt: skip
    unknown = set(changes) - {"ship_date", "quantity_lb", "lots", "memo"}
    if unknown:
        raise InvalidInput(f"{sorted(unknown)[0]} cannot be changed.", field=sorted(unknown)[0])
    if "ship_date" in changes:
        order.ship_date = changes["ship_date"]
    if "memo" in changes:
        order.memo = changes["memo"] or ""
    if "quantity_lb" in changes:
        order.quantity_lb = positive(changes["quantity_lb"], "quantity_lb")
    if "lots" in changes:
        named = _lots(order.item, changes["lots"])
        order.lots.all().delete()
        TransferOrderLot.objects.bulk_create(
            [TransferOrderLot(order=order, lot=lot, quantity_lb=lb) for lot, lb in named]
        )
    order.save()
    return order


@transaction.atomic
def transfer_order_ship(
    *, order: TransferOrder, ship_date: date | None = None, lots: list[dict] | None = None, actor=None
) -> TransferOrder:
    """Ship the order's lots (those given, the order's, or FEFO for its lb) on `ship_date` (default its own)."""
    order = _lock(order)
    _require(order, S.SHIPPED)
    lane, item = order.lane, order.item
    if ship_date is not None:
        order.ship_date = ship_date
    named = (
        _lots(item, lots) if lots is not None else [(x.lot, x.quantity_lb) for x in order.lots.select_related("lot")]
    )
    if named:
        order.quantity_lb = sum((lb for _, lb in named), ZERO)
    freight = quantize(lane.cost_per_lb * order.quantity_lb)
    legs = stock_transfer_post(
        lane=lane, item=item, ship_date=order.ship_date, lots=named or None,
        quantity_lb=None if named else order.quantity_lb, memo=order.number, source_type="transfer_order",
        source_id=order.pk, freight_cost=freight,
    )  # fmt: skip
    goods = -sum((out.value for out, _ in legs), ZERO)
    entry_post(
        entry_date=order.ship_date, memo=f"Transfer {order.number} shipped", source=EntrySource.TRANSFER,
        source_id=order.pk, actor=actor, date_field="ship_date",
        legs=transfer_ship_legs(value=goods, freight=freight, from_facility_id=lane.from_facility_id,
                                to_facility_id=lane.to_facility_id),
    )  # fmt: skip
    order.lots.all().delete()
    TransferOrderLot.objects.bulk_create(
        [
            TransferOrderLot(order=order, lot=out.lot, quantity_lb=out.quantity_lb, out_movement=out, in_movement=in_)
            for out, in_ in legs
        ]
    )
    order.status, order.shipped_at = S.SHIPPED, timezone.now()
    order.goods_value, order.freight_cost = goods, freight
    order.save()
    event_emit(event_type="transfer_order.shipped", obj=transfer_order_payload(order))
    return order


@transaction.atomic
def transfer_order_receive(*, order: TransferOrder, received_date: date | None = None, actor=None) -> TransferOrder:
    """Land the stock at the destination, not before the lane's lead time after the ship date."""
    order = _lock(order)
    _require(order, S.RECEIVED)
    received_date = received_date or timezone.localdate()
    arrives = order.ship_date + timedelta(days=order.lane.lead_time_days)
    if received_date < arrives:
        raise TooEarly(
            f"Transfer order {order.number} shipped {order.ship_date.isoformat()} over a {order.lane.lead_time_days}-"
            f"day lane: it cannot be received before {arrives.isoformat()}.",
            field="received_date", earliest=arrives.isoformat(), number=order.number,
        )  # fmt: skip
    entry_post(
        entry_date=received_date, memo=f"Transfer {order.number} received", source=EntrySource.TRANSFER,
        source_id=order.pk, actor=actor, date_field="received_date",
        legs=transfer_receive_legs(value=(order.goods_value or ZERO) + order.freight_cost,
                                   to_facility_id=order.lane.to_facility_id),
    )  # fmt: skip
    order.status, order.received_date, order.received_at = S.RECEIVED, received_date, timezone.now()
    order.save()
    event_emit(event_type="transfer_order.received", obj=transfer_order_payload(order))
    return order


@transaction.atomic
def transfer_order_cancel(*, order: TransferOrder, actor=None) -> TransferOrder:
    return transition_stamp(_lock(order), S.CANCELLED, transitions=TRANSFER_TRANSITIONS, noun="Transfer order",
                            stamp="cancelled_at")  # fmt: skip
