"""The webhook event types operations emits, with examples in the shape of GET /production-orders/{id}/ and
GET /transfer-orders/{id}/ (built without database access)."""

from __future__ import annotations

from webhooks.events import EventType, event_types_register

_STAMPS = {"created_at": "2026-03-02T06:00:00Z", "updated_at": "2026-03-03T15:10:00Z"}


def example_production_order() -> dict:
    return {
        "id": 42, "number": "PO-000042", "pattern": 3, "pattern_code": "109-TO-112A", "facility": 1,
        "facility_code": "BLYTHE", "production_date": "2026-03-03", "planned_input_lb": "1000.00",
        "status": "completed", "input_lb": "1000.00", "input_value": "9250.00", "processing_cost": "350.00",
        "journal_entry": 915,
        "inputs": [{"lot": 311, "lot_code": "SH-0311", "quantity_lb": "1000.00", "movement": 7001}],
        "outputs": [
            {"item": 7, "imps_code": "112A", "yield_fraction": "0.48000", "planned_lb": "480.00",
             "actual_lb": "476.50", "actual_yield": "0.47650", "lot": 412, "lot_code": "BLYTHE-26062-0412",
             "unit_cost_per_lb": "18.8071", "value": "8961.58", "movement": 7002},
            {"item": 31, "imps_code": "FAT", "yield_fraction": "0.15000", "planned_lb": "150.00",
             "actual_lb": "151.00", "actual_yield": "0.15100", "lot": 413, "lot_code": "BLYTHE-26062-0413",
             "unit_cost_per_lb": "0.3200", "value": "48.32", "movement": 7003},
        ],
        "demands": [{"source_type": "sales_order_line", "source_id": 88, "item": 7, "quantity_lb": "400.00"}],
        "memo": "", "released_at": "2026-03-02T18:00:00Z", "completed_at": "2026-03-03T15:10:00Z",
        "cancelled_at": None, **_STAMPS,
    }  # fmt: skip


def example_transfer_order(*, received: bool) -> dict:
    return {
        "id": 17, "number": "TO-000017", "lane": 2, "from_facility": 1, "from_facility_code": "BLYTHE",
        "to_facility": 3, "to_facility_code": "DENVER", "item": 7, "imps_code": "112A", "quantity_lb": "800.00",
        "ship_date": "2026-03-03", "status": "received" if received else "shipped", "goods_value": "7600.00",
        "freight_cost": "64.00", "received_date": "2026-03-05" if received else None,
        "lots": [{"lot": 311, "lot_code": "SH-0311", "quantity_lb": "800.00", "out_movement": 7010,
                  "in_movement": 7011}],
        "demands": [], "memo": "", "shipped_at": "2026-03-03T14:00:00Z",
        "received_at": "2026-03-05T08:30:00Z" if received else None, "cancelled_at": None, **_STAMPS,
    }  # fmt: skip


event_types_register(
    EventType(
        "production_order.completed",
        "A production order was completed: input lots consumed, output lots made at joint cost, entry posted.",
        example_production_order,
    ),
    EventType(
        "transfer_order.shipped",
        "A transfer order left its source: stock in transit to the destination, freight accrued.",
        lambda: example_transfer_order(received=False),
    ),
    EventType(
        "transfer_order.received",
        "A transfer order was received at its destination.",
        lambda: example_transfer_order(received=True),
    ),
)
