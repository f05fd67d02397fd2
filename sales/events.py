"""The webhook event types sales emits, with examples built by sales/payloads.py (no database access)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from inventory.models import Facility, Item, Lot
from parties.models import Customer
from sales.models import SalesOrder, SalesOrderAllocation, SalesOrderLine, SalesOrderLineLot, SalesOrderStatus
from sales.payloads import sales_order_line_payload, sales_order_payload
from webhooks.events import EventType, event_types_register


def example_order(status: str) -> dict:
    """SO-001042: 2,400 lb of 112A ribeye for ACME from BLYTHE, at `status`."""
    at = datetime(2026, 3, 1, 15, 4, 5, tzinfo=UTC)
    blythe = Facility(id=1, code="BLYTHE", name="Blythe processing plant")
    confirmed = status != SalesOrderStatus.DRAFT
    shipped = status in (SalesOrderStatus.SHIPPED, SalesOrderStatus.INVOICED)
    order = SalesOrder(
        id=1042,
        number="SO-001042",
        customer=Customer(id=17, code="ACME", name="Acme Steakhouse Group"),
        external_ref="portal-ord-9001",
        order_date=date(2026, 3, 1),
        delivery_date=date(2026, 3, 14),
        facility=blythe,
        status=status,
        total=Decimal("33879.92") if shipped else Decimal("34080.00"),
        confirmed_at=at if confirmed else None,
        shipped_at=datetime(2026, 3, 13, 6, 30, tzinfo=UTC) if shipped else None,
        ship_date=date(2026, 3, 13) if shipped else None,
        created_at=at,
        updated_at=at,
    )
    line = SalesOrderLine(
        id=5101,
        order=order,
        line_no=1,
        item=Item(id=7, imps_code="112A", description="Rib; ribeye roll; lip-on"),
        quantity_lb=Decimal("2400.00"),
        price_per_lb=Decimal("14.2000"),
        delivery_date=date(2026, 3, 14),
        facility=blythe,
        shipped_lb=Decimal("2385.91") if shipped else None,
        amount=Decimal("33879.92") if shipped else Decimal("34080.00"),
        source_facility=blythe if confirmed else None,
        marginal_price_per_lb=Decimal("9.8125") if confirmed else None,
    )
    allocations = [SalesOrderAllocation(line=line, source_facility=blythe, quantity_lb=Decimal("2400.00"))]
    lots = []
    if shipped:
        lot = Lot(id=311, code="SH-0311", use_by_date=date(2026, 3, 22))
        lots = [SalesOrderLineLot(line=line, lot=lot, facility=blythe, shipped_lb=line.shipped_lb, movement_id=9120)]
    return sales_order_payload(
        order, lines=[sales_order_line_payload(line, allocations=allocations if confirmed else [], lots=lots)]
    )


event_types_register(
    EventType("sales_order.created", "A sales order was created.", lambda: example_order(SalesOrderStatus.DRAFT)),
    EventType(
        "sales_order.confirmed",
        "A sales order was confirmed and its lines reserved.",
        lambda: example_order(SalesOrderStatus.CONFIRMED),
    ),
    EventType(
        "sales_order.shipped",
        "A sales order was shipped (catch weights recorded, stock moved, COGS posted).",
        lambda: example_order(SalesOrderStatus.SHIPPED),
    ),
)
