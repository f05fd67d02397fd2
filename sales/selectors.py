"""Reads for sales: querysets with their joins applied, so list endpoints run a fixed query count."""

from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from inventory.models import ProductionOrder, TransferOrder, WorkDemand
from sales.models import SalesOrder, SalesOrderAllocation, SalesOrderLine, SalesOrderLineLot

# The work a line relies on (its planned production and transfer orders), as JSON in the lines' own query.
_PLAN_SQL = f"""
SELECT COALESCE(json_agg(json_build_object(
  'kind', CASE WHEN d.production_order_id IS NULL THEN 'transfer_order' ELSE 'production_order' END,
  'order', COALESCE(p.id, t.id), 'number', COALESCE(p.number, t.number), 'status', COALESCE(p.status, t.status),
  'date', COALESCE(p.production_date, t.ship_date), 'item', d.item_id, 'quantity_lb', d.quantity_lb::text
) ORDER BY d.id), '[]'::json)
FROM {WorkDemand._meta.db_table} d
LEFT JOIN {ProductionOrder._meta.db_table} p ON p.id = d.production_order_id
LEFT JOIN {TransferOrder._meta.db_table} t ON t.id = d.transfer_order_id
WHERE d.source_type = 'sales_order_line' AND d.source_id = {SalesOrderLine._meta.db_table}.id
  AND d.released_at IS NULL
"""


def sales_order_list() -> QuerySet[SalesOrder]:
    lines = (
        SalesOrderLine.objects.select_related("item", "facility", "source_facility")
        .annotate(plan_json=RawSQL(_PLAN_SQL, []))
        .prefetch_related(
            Prefetch("allocations", queryset=SalesOrderAllocation.objects.select_related("source_facility")),
            Prefetch("lots", queryset=SalesOrderLineLot.objects.select_related("lot", "facility")),
        )
    )
    return SalesOrder.objects.select_related("customer", "facility").prefetch_related(Prefetch("lines", queryset=lines))
