"""Operations' reports: inventory valuation, its reconciliation to the books, yield variance.

Registered with the /reports/ registry (cashsheet.api.reports); JSON, or CSV with ?format=csv.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cashsheet.api.exceptions import InvalidInput
from cashsheet.api.filters import parse_id
from cashsheet.api.reports import Report, report_register
from inventory.models import Facility, Item
from operations import selectors

ZERO = Decimal("0.00")


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


def _date(params: dict, name: str) -> date | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"'{raw}' is not a date; use YYYY-MM-DD.", field=name) from None


def _ref(params: dict, name: str, model, code_field: str) -> int | None:
    """A facility or item by id or code; 400 naming the parameter when there is none."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    pk = parse_id(raw)
    found = model.objects.filter(pk=pk).first() if pk else None
    found = found or model.objects.filter(**{f"{code_field}__iexact": raw}).first()
    if found is None:
        raise InvalidInput(f"No {model.__name__.lower()} '{raw}'.", field=name)
    return found.pk


def _item(params: dict) -> int | None:
    """`item` is an id, `imps_code` a code (IMPS codes are often all digits, so one parameter would be ambiguous)."""
    raw, code = (params.get("item") or "").strip(), (params.get("imps_code") or "").strip()
    if raw:
        pk = parse_id(raw)
        if pk is None or not Item.objects.filter(pk=pk).exists():
            raise InvalidInput(f"No item {raw}.", field="item")
        return pk
    if code:
        found = Item.objects.filter(imps_code__iexact=code).values_list("pk", flat=True).first()
        if found is None:
            raise InvalidInput(f"No item with IMPS code '{code}'.", field="imps_code")
        return found
    return None


def inventory_valuation(params: dict) -> dict:
    as_of = _date(params, "as_of")
    facility_id = _ref(params, "facility", Facility, "code")
    item_id = _item(params)
    rows = selectors.inventory_valuation(as_of=as_of, facility_id=facility_id, item_id=item_id)
    facilities, items = selectors.names(facility_ids={r.facility_id for r in rows}, item_ids={r.item_id for r in rows})
    out, totals = [], {"on_hand_lb": ZERO, "on_hand_value": ZERO, "in_transit_lb": ZERO, "in_transit_value": ZERO}
    for row in rows:
        lb = row.on_hand_lb + row.in_transit_lb
        out.append(
            {
                "facility": row.facility_id,
                "facility_code": facilities.get(row.facility_id, ""),
                "item": row.item_id,
                "imps_code": items[row.item_id].imps_code,
                "description": items[row.item_id].description,
                "on_hand_lb": _fmt(row.on_hand_lb),
                "on_hand_value": _fmt(row.on_hand_value),
                "in_transit_lb": _fmt(row.in_transit_lb),
                "in_transit_value": _fmt(row.in_transit_value),
                "value": _fmt(row.value),
                "avg_cost_per_lb": f"{(row.value / lb):.4f}" if lb else "0.0000",
            }
        )
        totals["on_hand_lb"] += row.on_hand_lb
        totals["on_hand_value"] += row.on_hand_value
        totals["in_transit_lb"] += row.in_transit_lb
        totals["in_transit_value"] += row.in_transit_value
    shown = {k: _fmt(v) for k, v in totals.items()}
    shown["value"] = _fmt(totals["on_hand_value"] + totals["in_transit_value"])
    return {
        "report": "inventory-valuation",
        "params": {"as_of": as_of.isoformat() if as_of else None, "facility": facility_id, "item": item_id},
        "method": "weighted average cost per facility and item; stock in transit belongs to the destination",
        "columns": list(out[0]) if out else ["facility", "facility_code", "item", "imps_code", "value"],
        "rows": out,
        "totals": shown,
    }


def inventory_reconciliation(params: dict) -> dict:
    as_of = _date(params, "as_of")
    rows = selectors.inventory_reconciliation(as_of=as_of)
    facilities, _ = selectors.names(facility_ids={r.facility_id for r in rows})
    out = []
    keys = ("stock_value", "in_transit_value", "stock_total", "gl_inventory", "gl_in_transit", "gl_total", "difference")
    totals = dict.fromkeys(keys, ZERO)
    for row in rows:
        shown = {"facility": row.facility_id, "facility_code": facilities.get(row.facility_id, "")}
        for key in keys:
            value = getattr(row, key)
            shown[key] = _fmt(value)
            totals[key] += value
        out.append(shown)
    return {
        "report": "inventory-reconciliation",
        "params": {"as_of": as_of.isoformat() if as_of else None},
        "columns": ["facility", "facility_code", *keys],
        "rows": out,
        "totals": {k: _fmt(v) for k, v in totals.items()},
        "reconciled": totals["difference"] == 0 and all(r.difference == 0 for r in rows),
    }


def yield_variance(params: dict) -> dict:
    """Per completed order and output: planned lb (the pattern's yield × the actual input lb) against actual
    lb, and the difference at the item's list price when the order completed."""
    from inventory.models import CuttingPattern, ProductionOrderOutput

    facility_id = _ref(params, "facility", Facility, "code")
    pattern_id = _ref(params, "pattern", CuttingPattern, "code")
    start, end = _date(params, "from"), _date(params, "to")
    rows = ProductionOrderOutput.objects.filter(order__status="completed").select_related(
        "order__pattern", "order__facility", "item"
    )
    if facility_id:
        rows = rows.filter(order__facility_id=facility_id)
    if pattern_id:
        rows = rows.filter(order__pattern_id=pattern_id)
    if start:
        rows = rows.filter(order__production_date__gte=start)
    if end:
        rows = rows.filter(order__production_date__lte=end)
    out, totals = [], {"planned_lb": ZERO, "actual_lb": ZERO, "variance_lb": ZERO, "variance_value": ZERO}
    for row in rows.order_by("order__production_date", "order__number", "id"):
        order = row.order
        planned = (row.yield_fraction * order.input_lb).quantize(Decimal("0.01"))
        actual = row.actual_lb or ZERO
        price = row.list_price_per_lb if row.list_price_per_lb is not None else row.item.list_price_per_lb
        variance = actual - planned
        value = (variance * price).quantize(Decimal("0.01"))
        out.append(
            {
                "production_order": order.pk, "number": order.number,
                "production_date": order.production_date.isoformat(), "facility_code": order.facility.code,
                "pattern_code": order.pattern.code, "input_lb": _fmt(order.input_lb), "item": row.item_id,
                "imps_code": row.item.imps_code, "planned_yield": f"{row.yield_fraction:.5f}",
                "actual_yield": f"{actual / order.input_lb:.5f}", "planned_lb": _fmt(planned),
                "actual_lb": _fmt(actual),
                "variance_lb": _fmt(variance), "list_price_per_lb": f"{price:.4f}",
                "planned_value": _fmt((planned * price).quantize(Decimal("0.01"))),
                "actual_value": _fmt((actual * price).quantize(Decimal("0.01"))), "variance_value": _fmt(value),
            }
        )  # fmt: skip
        totals["planned_lb"] += planned
        totals["actual_lb"] += actual
        totals["variance_lb"] += variance
        totals["variance_value"] += value
    return {
        "report": "yield-variance",
        "params": {"facility": facility_id, "pattern": pattern_id, "from": start and start.isoformat(),
                   "to": end and end.isoformat()},
        "columns": list(out[0]) if out else ["production_order", "number", "imps_code", "variance_lb"],
        "rows": out,
        "totals": {k: _fmt(v) for k, v in totals.items()},
    }  # fmt: skip


_AS_OF = "YYYY-MM-DD: the close of that day (default: everything posted, future-dated movements included)"

report_register(
    Report(
        "inventory-valuation", inventory_valuation,
        "Stock on hand and in transit per facility and item, lb and value at weighted average cost.",
        {"as_of": _AS_OF, "facility": "facility id or code", "item": "item id", "imps_code": "item IMPS code"},
        "inventory.view_stockbalance",
    ),
    Report(
        "inventory-reconciliation", inventory_reconciliation,
        "The stock valuation against the inventory accounts (Inventory, Inventory in transit) per facility.",
        {"as_of": _AS_OF}, "ledger.view_journalentry",
    ),
    Report(
        "yield-variance", yield_variance,
        "Completed production: planned against actual yield per output, in lb and at list price, per order.",
        {"facility": "facility id or code", "pattern": "pattern id or code", "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"},
        "inventory.view_productionorder",
    ),
)  # fmt: skip
