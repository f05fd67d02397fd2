"""Reads for sales: querysets with their joins applied, so list endpoints run a fixed query count."""

from django.db.models import Prefetch, QuerySet

from sales.models import SalesOrder, SalesOrderAllocation, SalesOrderLine, SalesOrderLineLot


def sales_order_list() -> QuerySet[SalesOrder]:
    lines = SalesOrderLine.objects.select_related("item", "facility", "source_facility").prefetch_related(
        Prefetch("allocations", queryset=SalesOrderAllocation.objects.select_related("source_facility")),
        Prefetch("lots", queryset=SalesOrderLineLot.objects.select_related("lot", "facility")),
    )
    return SalesOrder.objects.select_related("customer", "facility").prefetch_related(Prefetch("lines", queryset=lines))
