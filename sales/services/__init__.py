"""Writes for sales. Views, the silo UI and the demo seeder all call these (import from here)."""

from sales.services.confirm import sales_order_confirm
from sales.services.invoice import sales_order_invoice
from sales.services.orders import (
    LineInput,
    sales_order_cancel,
    sales_order_create,
    sales_order_transition,
    sales_order_update,
)
from sales.services.ship import ShipLine, sales_order_ship

__all__ = [
    "LineInput",
    "ShipLine",
    "sales_order_cancel",
    "sales_order_confirm",
    "sales_order_create",
    "sales_order_invoice",
    "sales_order_ship",
    "sales_order_transition",
    "sales_order_update",
]
