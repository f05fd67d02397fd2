"""Production and transfer orders as the API renders them: GET, the POST/PATCH answers and event payloads."""

from __future__ import annotations

from cashsheet.api.rendering import date_str, datetime_str
from inventory.models import ProductionOrder, TransferOrder


def _dec(value, places: int = 2) -> str | None:
    return None if value is None else f"{value:.{places}f}"


def _demands(order) -> list[dict]:
    return [
        {"source_type": d.source_type, "source_id": d.source_id, "item": d.item_id, "quantity_lb": _dec(d.quantity_lb)}
        for d in order.demands.all()
        if d.released_at is None
    ]


def production_order_render(order: ProductionOrder) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "pattern": order.pattern_id,
        "pattern_code": order.pattern.code,
        "facility": order.facility_id,
        "facility_code": order.facility.code,
        "production_date": date_str(order.production_date),
        "planned_input_lb": _dec(order.planned_input_lb),
        "status": order.status,
        "input_lb": _dec(order.input_lb),
        "input_value": _dec(order.input_value),
        "processing_cost": _dec(order.processing_cost),
        "journal_entry": order.journal_entry_id,
        "inputs": [
            {"lot": i.lot_id, "lot_code": i.lot.code, "quantity_lb": _dec(i.quantity_lb), "movement": i.movement_id}
            for i in order.inputs.all()
        ],
        "outputs": [
            {
                "item": o.item_id,
                "imps_code": o.item.imps_code,
                "yield_fraction": _dec(o.yield_fraction, 5),
                "planned_lb": _dec(o.planned_lb),
                "actual_lb": _dec(o.actual_lb),
                "actual_yield": _dec(o.actual_lb / order.input_lb, 5)
                if o.actual_lb is not None and order.input_lb
                else None,
                "lot": o.lot_id,
                "lot_code": o.lot.code if o.lot_id else None,
                "unit_cost_per_lb": _dec(o.unit_cost_per_lb, 4),
                "value": _dec(o.value),
                "movement": o.movement_id,
            }
            for o in order.outputs.all()
        ],
        "demands": _demands(order),
        "memo": order.memo,
        "released_at": datetime_str(order.released_at),
        "completed_at": datetime_str(order.completed_at),
        "cancelled_at": datetime_str(order.cancelled_at),
        "created_at": datetime_str(order.created_at),
        "updated_at": datetime_str(order.updated_at),
    }


def transfer_order_render(order: TransferOrder) -> dict:
    lane = order.lane
    return {
        "id": order.pk,
        "number": order.number,
        "lane": lane.pk,
        "from_facility": lane.from_facility_id,
        "from_facility_code": lane.from_facility.code,
        "to_facility": lane.to_facility_id,
        "to_facility_code": lane.to_facility.code,
        "item": order.item_id,
        "imps_code": order.item.imps_code,
        "quantity_lb": _dec(order.quantity_lb),
        "ship_date": date_str(order.ship_date),
        "status": order.status,
        "goods_value": _dec(order.goods_value),
        "freight_cost": _dec(order.freight_cost),
        "received_date": date_str(order.received_date),
        "lots": [
            {
                "lot": x.lot_id,
                "lot_code": x.lot.code,
                "quantity_lb": _dec(x.quantity_lb),
                "out_movement": x.out_movement_id,
                "in_movement": x.in_movement_id,
            }
            for x in order.lots.all()
        ],  # fmt: skip
        "demands": _demands(order),
        "memo": order.memo,
        "shipped_at": datetime_str(order.shipped_at),
        "received_at": datetime_str(order.received_at),
        "cancelled_at": datetime_str(order.cancelled_at),
        "created_at": datetime_str(order.created_at),
        "updated_at": datetime_str(order.updated_at),
    }


def production_order_payload(order: ProductionOrder) -> dict:
    from operations.selectors import production_order_list

    return production_order_render(production_order_list().get(pk=order.pk))


def transfer_order_payload(order: TransferOrder) -> dict:
    from operations.selectors import transfer_order_list

    return transfer_order_render(transfer_order_list().get(pk=order.pk))
