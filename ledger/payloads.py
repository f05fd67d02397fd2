"""Invoices and bills as plain dicts: the `invoice.*` / `bill.*` events' `data.object` and the API's GET body.

InvoiceSerializer and BillSerializer render through these, so a receiver gets exactly what GET returns.
Lines are read from the prefetched relation (selectors.invoice_list / bill_list) unless given: posting
passes the lines it has just read, and the event-type examples pass lines built in memory.
"""

from __future__ import annotations

from collections.abc import Iterable

from cashsheet.api.rendering import date_str, datetime_str, money, unit_price, weight
from ledger.models import Bill, BillLine, Invoice, InvoiceLine


def document_line_payload(line: InvoiceLine | BillLine) -> dict:
    return {
        "id": line.pk,
        "item": line.item_id,
        "description": line.description,
        "quantity_lb": weight(line.quantity_lb),
        "price_per_lb": unit_price(line.price_per_lb),
        "amount": money(line.amount),
        "account": line.account_id,
    }


def bill_line_payload(line: BillLine) -> dict:
    return {
        **document_line_payload(line),
        "receipt": line.receipt_id,
        "receipt_value": money(line.receipt_value),
    }


def _open_item(doc: Invoice | Bill) -> dict:
    return {
        "total": money(doc.total),
        "amount_paid": money(doc.amount_paid),
        "balance_due": money(doc.balance_due),
        "status": doc.status,
        "journal_entry": doc.journal_entry_id,
        "void_entry": doc.void_entry_id,
        "posted_at": datetime_str(doc.posted_at),
        "created_at": datetime_str(doc.created_at),
        "updated_at": datetime_str(doc.updated_at),
    }


def invoice_payload(invoice: Invoice, *, lines: Iterable[InvoiceLine] | None = None) -> dict:
    lines = invoice.lines.all() if lines is None else lines
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "customer": invoice.customer_id,
        "invoice_date": date_str(invoice.invoice_date),
        "due_date": date_str(invoice.due_date),
        "sales_order_id": invoice.sales_order_id,
        "memo": invoice.memo,
        "lines": [document_line_payload(line) for line in lines],
        **_open_item(invoice),
    }


def bill_payload(bill: Bill, *, lines: Iterable[BillLine] | None = None) -> dict:
    lines = bill.lines.all() if lines is None else lines
    return {
        "id": bill.pk,
        "number": bill.number,
        "vendor": bill.vendor_id,
        "vendor_reference": bill.vendor_reference,
        "bill_date": date_str(bill.bill_date),
        "due_date": date_str(bill.due_date),
        "memo": bill.memo,
        "lines": [bill_line_payload(line) for line in lines],
        **_open_item(bill),
    }
