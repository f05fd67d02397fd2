"""Example `data.object` per event type, for /event-types/. A type without one gets a generic example."""

EXAMPLE_OBJECTS: dict[str, dict] = {
    "sales_order.created": {
        "id": 1042,
        "number": "SO-001042",
        "customer_id": 17,
        "status": "draft",
        "requested_date": "2026-03-14",
        "lines": [{"line": 1, "imps_code": "112A", "quantity_lb": "2400.00", "unit_price": "14.2000"}],
        "total": "34080.00",
        "created_at": "2026-03-01T15:04:05Z",
        "updated_at": "2026-03-01T15:04:05Z",
    },
    "invoice.posted": {
        "id": 311,
        "number": "INV-000311",
        "customer_id": 17,
        "status": "posted",
        "total": "34080.00",
        "amount_due": "34080.00",
        "due_date": "2026-04-14",
        "created_at": "2026-03-15T09:00:00Z",
        "updated_at": "2026-03-15T09:00:00Z",
    },
    "bill.posted": {
        "id": 88,
        "number": "BILL-000088",
        "vendor_id": 5,
        "status": "posted",
        "total": "12500.00",
        "created_at": "2026-03-15T09:00:00Z",
        "updated_at": "2026-03-15T09:00:00Z",
    },
    "lp_solve.complete": {"id": 12, "status": "succeeded", "objective": "81234.50", "duration_ms": 4120},
    "atp.checked": {
        "facility_id": "BLYTHE",
        "imps_code": "112A",
        "quantity_lb": "2400.00",
        "delivery_date": "2026-03-14",
        "result": "feasible",
        "available_lb": "2400.00",
        "marginal_price_per_lb": "14.2000",
    },
    "lot.held": {
        "id": 812,
        "code": "SH-26330-112A",
        "item": 5,
        "imps_code": "112A",
        "facility": 1,
        "facility_code": "BLYTHE",
        "origin": "receipt",
        "vendor": 2,
        "vendor_code": "SANDHILLS",
        "vendor_lot_code": "4471-B",
        "establishment_number": "EST. 245C",
        "pack_date": "2026-11-26",
        "kill_date": "2026-11-24",
        "use_by_date": "2027-01-10",
        "state": "chilled",
        "on_hand_lb": "1840.00",
        "balances": [{"facility": 1, "facility_code": "BLYTHE", "on_hand_lb": "1840.00"}],
        "on_hold": True,
        "hold_reason": "Supplier notice: E. coli O157:H7 positive on trim from the same kill date",
        "held_at": "2026-12-01T15:04:05Z",
        "holds": [
            {
                "reason": "Supplier notice: E. coli O157:H7 positive on trim from the same kill date",
                "held_at": "2026-12-01T15:04:05Z",
                "held_by": 3,
                "released_at": None,
                "release_reason": "",
                "released_by": None,
            }
        ],
        "unit_cost_per_lb": "11.1000",
        "created_at": "2026-11-27T08:00:00Z",
        "updated_at": "2026-12-01T15:04:05Z",
    },
    "ping": {"object": "webhook_endpoint", "id": 3, "url": "https://example.com/hooks/cashsheet", "message": "ping"},
}
EXAMPLE_OBJECTS["sales_order.confirmed"] = {**EXAMPLE_OBJECTS["sales_order.created"], "status": "confirmed"}
EXAMPLE_OBJECTS["sales_order.shipped"] = {**EXAMPLE_OBJECTS["sales_order.created"], "status": "shipped"}
EXAMPLE_OBJECTS["invoice.paid"] = {**EXAMPLE_OBJECTS["invoice.posted"], "status": "paid", "amount_due": "0.00"}
EXAMPLE_OBJECTS["bill.paid"] = {**EXAMPLE_OBJECTS["bill.posted"], "status": "paid"}
EXAMPLE_OBJECTS["lot.released"] = {
    **EXAMPLE_OBJECTS["lot.held"],
    "on_hold": False,
    "hold_reason": "",
    "held_at": None,
    "holds": [
        {
            **EXAMPLE_OBJECTS["lot.held"]["holds"][0],
            "released_at": "2026-12-03T10:00:00Z",
            "release_reason": "Negative retest, lab report 26-1188",
            "released_by": 3,
        }
    ],
}


def example_event(event_type: str) -> dict:
    obj = EXAMPLE_OBJECTS.get(event_type, {"id": 1, "object": event_type.split(".")[0]})
    return {
        "id": "evt_5f2b9c0e8a7d4c1b3e6f9a0d",
        "object": "event",
        "type": event_type,
        "api_version": "v2",
        "created": 1772377445,
        "created_at": "2026-03-01T15:04:05Z",
        "data": {"object": obj},
    }
