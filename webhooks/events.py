"""The event types a silo can subscribe to. Adding one is one line here plus one `event_emit` call."""

EVENT_TYPES: dict[str, str] = {
    "sales_order.created": "A sales order was created.",
    "sales_order.confirmed": "A sales order was confirmed and its lines reserved.",
    "sales_order.shipped": "A sales order was shipped (catch weights recorded, stock moved, COGS posted).",
    "invoice.posted": "An invoice was posted to the ledger.",
    "invoice.paid": "An invoice was paid in full.",
    "bill.posted": "A bill was posted to the ledger.",
    "bill.paid": "A bill was paid in full.",
    "lot.held": "A lot was put on hold (it cannot ship, transfer or be promised until released).",
    "lot.released": "A held lot was released.",
    "lp_solve.complete": "An LP planning run finished (succeeded or failed).",
    "atp.checked": "An ATP check was answered.",
    "ping": "A test event sent by POST /webhook-endpoints/{id}/test/.",
}
