"""The webhook event types the ledger emits, with examples built by ledger/payloads.py (no database access)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from ledger.models import Bill, BillLine, DocumentStatus, Invoice, InvoiceLine
from ledger.payloads import bill_payload, invoice_payload
from webhooks.events import EventType, event_types_register

AT = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)


def example_invoice(status: str) -> dict:
    """INV-000311 for SO-001042: 2,385.91 lb of 112A at $14.2000 and freight, posted (or paid)."""
    paid = Decimal("34064.92") if status == DocumentStatus.PAID else Decimal("0.00")
    invoice = Invoice(
        id=311, number="INV-000311", customer_id=17, invoice_date=date(2026, 3, 15), due_date=date(2026, 4, 14),
        sales_order_id=1042, memo="", total=Decimal("34064.92"), amount_paid=paid, status=status,
        journal_entry_id=905, posted_at=AT, created_at=AT, updated_at=AT,
    )  # fmt: skip
    invoice.balance_due = invoice.total - invoice.amount_paid
    lines = [
        InvoiceLine(id=771, item_id=7, description="112A Rib; ribeye roll; lip-on", quantity_lb=Decimal("2385.91"),
                    price_per_lb=Decimal("14.2000"), amount=Decimal("33879.92"), account_id=40),
        InvoiceLine(id=772, description="Freight, reefer LTL", amount=Decimal("185.00"), account_id=40),
    ]  # fmt: skip
    return invoice_payload(invoice, lines=lines)


def example_bill(status: str) -> dict:
    """BILL-000088: 18,250 lb of Choice carcasses from vendor 5, posted (or paid)."""
    paid = Decimal("56848.75") if status == DocumentStatus.PAID else Decimal("0.00")
    bill = Bill(
        id=88, number="BILL-000088", vendor_id=5, vendor_reference="INV-88812", bill_date=date(2026, 3, 10),
        due_date=date(2026, 3, 24), memo="", total=Decimal("56848.75"), amount_paid=paid, status=status,
        journal_entry_id=880, posted_at=AT, created_at=AT, updated_at=AT,
    )  # fmt: skip
    bill.balance_due = bill.total - bill.amount_paid
    lines = [
        BillLine(id=301, item_id=1, description="Choice steer carcasses", quantity_lb=Decimal("18250.00"),
                 price_per_lb=Decimal("3.1150"), amount=Decimal("56848.75"), account_id=12),
    ]  # fmt: skip
    return bill_payload(bill, lines=lines)


event_types_register(
    EventType("invoice.posted", "An invoice was posted to the ledger.", lambda: example_invoice(DocumentStatus.POSTED)),
    EventType("invoice.paid", "An invoice was paid in full.", lambda: example_invoice(DocumentStatus.PAID)),
    EventType("bill.posted", "A bill was posted to the ledger.", lambda: example_bill(DocumentStatus.POSTED)),
    EventType("bill.paid", "A bill was paid in full.", lambda: example_bill(DocumentStatus.PAID)),
)
