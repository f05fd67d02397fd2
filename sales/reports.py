"""Trace and recall: from a lot to every lot made from it and every customer who received any of them, or back
from a lot (or a shipment) to the receipts it came from. Sales owns them because they join what inventory
knows (lots, genealogy, movements) to what sales and the ledger know (orders, customers, invoices).

Each report is one SQL statement: inventory's genealogy CTE (a recursive walk over LotEdge) followed by
JSON aggregates of the lots and their shipments or receipts, so a trace costs one round trip however deep
the production chain. The answer has the report shape every /reports/ answer has ({"report", "params",
"columns", "rows", "totals"}) plus the structured lists; `rows` is what CSV renders.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connection

from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.filters import parse_id
from cashsheet.api.reports import Report, report_register
from inventory.models import Facility, Item, Lot, LotBalance, LotEdge, StockMovement
from inventory.selectors import GENEALOGY_CTE, lot_find
from ledger.models import Invoice
from parties.models import Customer, Vendor
from sales.models import SalesOrder

T = {
    "lot": Lot._meta.db_table,
    "balance": LotBalance._meta.db_table,
    "edge": LotEdge._meta.db_table,
    "item": Item._meta.db_table,
    "facility": Facility._meta.db_table,
    "vendor": Vendor._meta.db_table,
    "movement": StockMovement._meta.db_table,
    "order": SalesOrder._meta.db_table,
    "customer": Customer._meta.db_table,
    "invoice": Invoice._meta.db_table,
}

_LOTS_SQL = """
SELECT COALESCE(json_agg(x ORDER BY x.depth, x.code, x.id), '[]') FROM (
  SELECT l.id, t.depth, l.code, i.id AS item, i.imps_code, i.description, f.code AS facility_code, l.origin,
         l.pack_date, l.kill_date, l.use_by_date, l.state, l.on_hold, l.hold_reason,
         (SELECT COALESCE(SUM(b.on_hand_lb), 0)::text FROM {balance} b WHERE b.lot_id = l.id) AS on_hand_lb,
         (SELECT COALESCE(json_agg(json_build_object('facility_code', bf.code, 'on_hand_lb', b.on_hand_lb::text)
                                   ORDER BY bf.code), '[]')
          FROM {balance} b JOIN {facility} bf ON bf.id = b.facility_id
          WHERE b.lot_id = l.id AND b.on_hand_lb > 0) AS lies_at,
         (SELECT COALESCE(json_agg(p.code ORDER BY p.code), '[]')
          FROM {edge} e JOIN {lot} p ON p.id = e.parent_id WHERE e.child_id = l.id) AS made_from,
         (SELECT COALESCE(json_agg(DISTINCT c.code), '[]')
          FROM {edge} e JOIN {lot} c ON c.id = e.child_id WHERE e.parent_id = l.id) AS made_into,
         v.code AS vendor_code, v.name AS vendor_name, l.vendor_lot_code, l.establishment_number
  FROM tree_lots t
  JOIN {lot} l ON l.id = t.lot_id
  JOIN {item} i ON i.id = l.item_id
  JOIN {facility} f ON f.id = l.facility_id
  LEFT JOIN {vendor} v ON v.id = l.vendor_id
) x
"""

_SHIPMENTS_SQL = """
SELECT COALESCE(json_agg(y ORDER BY y.date, y.movement), '[]') FROM (
  SELECT m.id AS movement, m.effective_date AS date, l.id AS lot, l.code AS lot_code, l.use_by_date,
         i.imps_code, f.code AS facility_code, m.quantity_lb::text AS quantity_lb, m.memo,
         o.id AS sales_order, o.number AS order_number, c.id AS customer, c.code AS customer_code,
         c.name AS customer_name, c.email AS customer_email, c.phone AS customer_phone,
         inv.id AS invoice, inv.number AS invoice_number
  FROM tree_lots t
  JOIN {movement} m ON m.lot_id = t.lot_id AND m.kind = 'shipment'
  JOIN {lot} l ON l.id = m.lot_id
  JOIN {item} i ON i.id = m.item_id
  JOIN {facility} f ON f.id = m.facility_id
  LEFT JOIN {order} o ON m.source_type = 'sales_order' AND o.id = m.source_id
  LEFT JOIN {customer} c ON c.id = o.customer_id
  LEFT JOIN {invoice} inv ON inv.id = o.invoice_id
) y
"""

_RECEIPTS_SQL = """
SELECT COALESCE(json_agg(y ORDER BY y.date, y.movement), '[]') FROM (
  SELECT m.id AS movement, m.effective_date AS date, l.id AS lot, l.code AS lot_code, i.imps_code,
         f.code AS facility_code, m.quantity_lb::text AS quantity_lb, m.memo, v.id AS vendor, v.code AS vendor_code,
         v.name AS vendor_name, l.vendor_lot_code, l.establishment_number, l.pack_date, l.kill_date
  FROM tree_lots t
  JOIN {movement} m ON m.lot_id = t.lot_id AND m.kind = 'receipt'
  JOIN {lot} l ON l.id = m.lot_id
  JOIN {item} i ON i.id = m.item_id
  JOIN {facility} f ON f.id = m.facility_id
  LEFT JOIN {vendor} v ON v.id = l.vendor_id
) y
"""


def _statement(direction: str) -> str:
    events = _SHIPMENTS_SQL if direction == "forward" else _RECEIPTS_SQL
    return f"WITH RECURSIVE {GENEALOGY_CTE[direction]} SELECT ({_LOTS_SQL.format(**T)}), ({events.format(**T)})"


def _walk(start: list[int], direction: str) -> tuple[list[dict], list[dict]]:
    with connection.cursor() as cursor:
        cursor.execute(_statement(direction), {"start": start})
        lots, events = cursor.fetchone()
    # psycopg hands json back parsed; a server that sends text is parsed here.
    return (json.loads(lots) if isinstance(lots, str) else lots), (
        json.loads(events) if isinstance(events, str) else events
    )


def _one(params: dict, name: str) -> str | None:
    value = params.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _start(params: dict, *, direction: str) -> tuple[list[int], dict]:
    """The lots the walk starts from: `lot` (id or code), or, going backward, a `sales_order` or a `movement`."""
    lot_ref, order_ref, movement_ref = _one(params, "lot"), _one(params, "sales_order"), _one(params, "movement")
    given = [n for n, v in (("lot", lot_ref), ("sales_order", order_ref), ("movement", movement_ref)) if v]
    if len(given) != 1:
        allowed = "lot" if direction == "forward" else "lot, sales_order or movement"
        raise InvalidInput(f"Give one of: {allowed}.", field=given[1] if len(given) > 1 else "lot")
    if lot_ref:
        lot = lot_find(ref=lot_ref)
        return [lot.pk], {"lot": lot.pk, "lot_code": lot.code, "imps_code": lot.item.imps_code}
    if direction == "forward":
        raise InvalidInput("A forward trace starts from a lot.", field=given[0])
    if order_ref:
        order_id = parse_id(order_ref)
        lookup = {"pk": order_id} if order_id is not None else {"number__iexact": order_ref}
        order = SalesOrder.objects.filter(**lookup).first()
        if order is None:
            raise InvalidInput(f"No sales order {order_ref}.", field="sales_order")
        moves = StockMovement.objects.filter(source_type="sales_order", source_id=order.pk, kind="shipment")
        lots = sorted(set(moves.values_list("lot_id", flat=True)))
        if not lots:
            raise InvalidInput(f"Sales order {order.number} has not shipped.", field="sales_order")
        return lots, {"sales_order": order.pk, "order_number": order.number}
    movement_id = parse_id(movement_ref)
    if movement_id is None:
        raise InvalidInput(f"'{movement_ref}' is not a movement id.", field="movement")
    movement = StockMovement.objects.filter(pk=movement_id).select_related("lot").first()
    if movement is None:
        raise InvalidInput(f"No stock movement {movement_ref}.", field="movement")
    return [movement.lot_id], {"movement": movement.pk, "lot_code": movement.lot.code}


def _direction(params: dict) -> str:
    direction = _one(params, "direction") or "forward"
    if direction not in GENEALOGY_CTE:
        raise InvalidInput(f"direction is forward or backward, not '{direction}'.", field="direction")
    return direction


TRACE_COLUMNS = [
    "kind", "depth", "lot", "lot_code", "imps_code", "facility_code", "date", "quantity_lb", "counterparty_code",
    "counterparty_name", "document", "invoice_number", "use_by_date", "detail",
]  # fmt: skip


def _lot_row(lot: dict) -> dict:
    made_from = ", ".join(lot["made_from"])
    return {
        "kind": "lot", "depth": lot["depth"], "lot": lot["id"], "lot_code": lot["code"], "imps_code": lot["imps_code"],
        "facility_code": lot["facility_code"], "date": lot["pack_date"], "quantity_lb": lot["on_hand_lb"],
        "counterparty_code": lot["vendor_code"], "counterparty_name": lot["vendor_name"], "document": lot["origin"],
        "invoice_number": None, "use_by_date": lot["use_by_date"],
        "detail": (f"made from {made_from}" if made_from else "") + (" · ON HOLD" if lot["on_hold"] else ""),
    }  # fmt: skip


def trace(params: dict) -> dict:
    """Forward: the lot, every lot made from it, every shipment of any of them. Backward: the lot (or the
    shipment's lots) and every lot that went into it, down to the receipts."""
    direction = _direction(params)
    start, origin = _start(params, direction=direction)
    lots, events = _walk(start, direction)
    depth = {lot["id"]: lot["depth"] for lot in lots}
    rows = [_lot_row(lot) for lot in lots]
    if direction == "forward":
        for s in events:
            rows.append({
                "kind": "shipment", "depth": depth[s["lot"]], "lot": s["lot"], "lot_code": s["lot_code"],
                "imps_code": s["imps_code"], "facility_code": s["facility_code"], "date": s["date"],
                "quantity_lb": s["quantity_lb"], "counterparty_code": s["customer_code"],
                "counterparty_name": s["customer_name"], "document": s["order_number"] or s["memo"],
                "invoice_number": s["invoice_number"], "use_by_date": s["use_by_date"], "detail": "",
            })  # fmt: skip
    else:
        for r in events:
            rows.append({
                "kind": "receipt", "depth": depth[r["lot"]], "lot": r["lot"], "lot_code": r["lot_code"],
                "imps_code": r["imps_code"], "facility_code": r["facility_code"], "date": r["date"],
                "quantity_lb": r["quantity_lb"], "counterparty_code": r["vendor_code"],
                "counterparty_name": r["vendor_name"], "document": r["vendor_lot_code"], "invoice_number": None,
                "use_by_date": None, "detail": r["establishment_number"] or "",
            })  # fmt: skip
    moved = sum((Decimal(e["quantity_lb"]) for e in events), Decimal("0.00"))
    body = {
        "report": "trace",
        "params": {"direction": direction, **origin},
        "lots": lots,
        ("shipments" if direction == "forward" else "receipts"): events,
        "columns": TRACE_COLUMNS,
        "rows": rows,
        "totals": {"quantity_lb": f"{moved:.2f}", "lots": len(lots)},
    }
    if direction == "forward":
        body["customers"] = sorted({s["customer_code"] for s in events if s["customer_code"]})
    return body


RECALL_COLUMNS = [
    "customer_code", "customer_name", "email", "phone", "quantity_lb", "first_shipped", "last_shipped", "orders",
    "invoices", "lots",
]  # fmt: skip


def recall(params: dict) -> dict:
    """Who to call: every customer that received the lot or anything made from it, with lb, dates, orders,
    invoices and contact; and where what is left of those lots lies now (to put on hold)."""
    start, origin = _start(params, direction="forward")
    lots, shipments = _walk(start, "forward")
    by_customer: dict[str, dict] = {}
    for s in shipments:
        key = s["customer_code"] or ""
        row = by_customer.setdefault(key, {
            "customer": s["customer"], "customer_code": s["customer_code"],
            "customer_name": s["customer_name"] or "(shipped without a sales order)",
            "email": s["customer_email"], "phone": s["customer_phone"], "quantity_lb": Decimal("0.00"),
            "first_shipped": s["date"], "last_shipped": s["date"], "orders": [], "invoices": [], "lots": [],
        })  # fmt: skip
        row["quantity_lb"] += Decimal(s["quantity_lb"])
        row["first_shipped"], row["last_shipped"] = (
            min(row["first_shipped"], s["date"]),
            max(row["last_shipped"], s["date"]),
        )
        for name, value in (("orders", s["order_number"] or s["memo"]), ("invoices", s["invoice_number"]),
                            ("lots", s["lot_code"])):  # fmt: skip
            if value and value not in row[name]:
                row[name].append(value)
    customers = sorted(by_customer.values(), key=lambda r: (-r["quantity_lb"], r["customer_code"] or ""))
    rows = [
        {**r, "quantity_lb": f"{r['quantity_lb']:.2f}", "orders": ", ".join(r["orders"]),
         "invoices": ", ".join(r["invoices"]), "lots": ", ".join(r["lots"])}
        for r in customers
    ]  # fmt: skip
    total = sum((r["quantity_lb"] for r in customers), Decimal("0.00"))
    on_hand = [
        {"lot": lot["id"], "lot_code": lot["code"], "imps_code": lot["imps_code"], "on_hold": lot["on_hold"],
         "lies_at": lot["lies_at"]}
        for lot in lots if lot["lies_at"]
    ]  # fmt: skip
    return {
        "report": "recall",
        "params": origin,
        "customers": rows,
        "on_hand": on_hand,
        "lots": [
            {"lot": lot["id"], "lot_code": lot["code"], "imps_code": lot["imps_code"], "depth": lot["depth"]}
            for lot in lots
        ],  # fmt: skip
        "columns": RECALL_COLUMNS,
        "rows": rows,
        "totals": {"quantity_lb": f"{total:.2f}", "customers": len([r for r in customers if r["customer_code"]])},
    }


report_register(
    Report(
        "trace", trace,
        "Lot genealogy: forward to every lot made from it and every shipment; backward to the receipts.",
        {"lot": "lot id or code", "direction": "forward (default) or backward",
         "sales_order": "backward from a shipped order (id or number)", "movement": "backward from a movement id"},
        "inventory.view_lot",
    ),
    Report(
        "recall", recall,
        "The customers to contact for a lot and everything made from it: lb, dates, orders, contact.",
        {"lot": "lot id or code"}, "inventory.view_lot",
    ),
)  # fmt: skip
