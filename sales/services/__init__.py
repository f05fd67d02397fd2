"""Writes for sales. Views, the silo UI and the demo seeder all call these."""

from sales.services.customers import customer_create, customer_update
from sales.services.orders import (
    sales_order_cancel,
    sales_order_confirm,
    sales_order_create,
    sales_order_invoice,
    sales_order_update,
)
from sales.services.shipping import ShipLine, sales_order_ship
from sales.services.transitions import sales_order_transition

__all__ = [
    "ShipLine",
    "customer_create",
    "customer_update",
    "sales_order_cancel",
    "sales_order_confirm",
    "sales_order_create",
    "sales_order_invoice",
    "sales_order_ship",
    "sales_order_transition",
    "sales_order_update",
]
