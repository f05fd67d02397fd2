"""Invoicing a shipped sales order: the shipped weights at the order's prices, posted to the ledger."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from ledger.services import account_for_role, invoice_create, invoice_post
from sales.models import SalesOrder, SalesOrderStatus
from sales.services.common import order_lock, require_status


@transaction.atomic
def sales_order_invoice(*, order: SalesOrder, invoice_date: date | None = None, actor=None) -> SalesOrder:
    """Invoice the shipped weights at the order's prices; the invoice is posted and linked both ways."""
    order = order_lock(order)
    require_status(order, SalesOrderStatus.INVOICED)
    revenue = account_for_role("sales_revenue")
    lines = [
        {
            "item": line.item,
            "description": f"{line.item.imps_code} {line.item.description}",
            "quantity_lb": line.shipped_lb,
            "price_per_lb": line.price_per_lb,
            "account": revenue,
        }
        for line in order.lines.select_related("item").order_by("line_no")
    ]
    invoice = invoice_create(
        customer=order.customer,
        invoice_date=invoice_date or timezone.localdate(),
        lines=lines,
        sales_order_id=order.pk,
        actor=actor,
    )
    invoice = invoice_post(invoice=invoice, actor=actor)
    order.invoice = invoice
    order.status = SalesOrderStatus.INVOICED
    order.save(update_fields=["invoice", "status", "updated_at"])
    return order
