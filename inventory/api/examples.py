"""OpenAPI examples for the inventory resources (kept apart so views stay short)."""

from drf_spectacular.utils import OpenApiExample

FACILITY = OpenApiExample(
    "Facility",
    value={
        "code": "BLYTHE",
        "name": "Blythe processing plant",
        "timezone": "America/Chicago",
        "can_break": True,
        "breaking_capacity_lb": "180000.00",
        "fabrication_capacity_lb": "120000.00",
        "address": {"line1": "1200 Packer Rd", "city": "Blythe", "region": "NE", "country": "US"},
    },
    request_only=True,
)
LANE = OpenApiExample(
    "Transfer lane",
    value={"from_facility": 1, "to_facility": 3, "lead_time_days": 2, "cost_per_lb": "0.0600"},
    request_only=True,
)
ITEM = OpenApiExample(
    "Item",
    value={
        "imps_code": "112A",
        "description": "Rib; ribeye roll; lip-on",
        "species": "beef",
        "category": "subprimal",
        "grade": "USDA Choice",
        "list_price_per_lb": "14.2000",
        "standard_cost_per_lb": "11.1000",
    },
    request_only=True,
)
PATTERN = OpenApiExample(
    "Cutting pattern",
    value={
        "code": "103-TO-112A",
        "name": "Rib to ribeye roll",
        "input_item": 3,
        "process": "fabrication",
        "lead_time_days": 0,
        "processing_cost_per_lb": "0.3500",
        "facilities": [1, 2],
        "outputs": [{"item": 5, "yield_fraction": "0.52000"}, {"item": 30, "yield_fraction": "0.30000"}],
    },
    request_only=True,
)
RECEIPT = OpenApiExample(
    "Receipt",
    value={
        "facility": 1,
        "item": 5,
        "kind": "receipt",
        "quantity_lb": "2400.00",
        "effective_date": "2026-03-10",
        "lot_code": "SH-26067-112A",
        "pack_date": "2026-03-08",
        "kill_date": "2026-03-06",
        "vendor": 2,
        "vendor_lot_code": "4471-B",
        "establishment_number": "EST. 245C",
        "unit_cost_per_lb": "11.1000",
        "memo": "PO 4471",
    },
    request_only=True,
)
SHIPMENT = OpenApiExample(
    "Shipment, lots picked first-expired-first-out",
    value={"facility": 1, "item": 5, "kind": "shipment", "quantity_lb": "800.00", "effective_date": "2026-03-14"},
    request_only=True,
)
SHIPMENT_LOTS = OpenApiExample(
    "Shipment from named lots",
    value={
        "facility": 1,
        "item": 5,
        "kind": "shipment",
        "effective_date": "2026-03-14",
        "lots": [{"lot": 812, "quantity_lb": "500.00"}, {"lot_code": "SH-26067-112A", "quantity_lb": "300.00"}],
    },
    request_only=True,
)
TRANSFER = OpenApiExample(
    "Transfer (both legs)",
    value={
        "facility": 1,
        "to_facility": 3,
        "item": 5,
        "kind": "transfer_out",
        "quantity_lb": "500.00",
        "effective_date": "2026-03-11",
    },
    request_only=True,
)
INSUFFICIENT = OpenApiExample(
    "Refused: not enough stock",
    value={
        "status": 409,
        "code": "insufficient_stock",
        "detail": "Not enough 112A at BLYTHE on 2026-03-14: 3000.00 lb needed, 1600.00 lb available, short 1400.00 lb.",
        "errors": [{"field": "quantity_lb", "code": "insufficient_stock", "message": "..."}],
        "facility": 1,
        "facility_code": "BLYTHE",
        "item": 5,
        "imps_code": "112A",
        "date": "2026-03-14",
        "requested_lb": "3000.00",
        "available_lb": "1600.00",
        "shortfall_lb": "1400.00",
    },
    response_only=True,
    status_codes=["409"],
)
BALANCES = OpenApiExample(
    "Balances",
    value={
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "facility": 1,
                "facility_code": "BLYTHE",
                "item": 5,
                "imps_code": "112A",
                "description": "Rib; ribeye roll; lip-on",
                "on_hand_lb": "1600.00",
                "value": "17760.00",
                "last_movement_date": "2026-03-14",
            }
        ],
    },
    response_only=True,
)
