"""Row locks, always taken in primary-key order so two transactions never wait on each other in a cycle.

Lock order across the app: documents (invoices/bills, by pk) → periods → the journal sequence.
"""

from collections.abc import Iterable

from django.db.models import Model, QuerySet


def rows_lock(queryset: QuerySet, pks: Iterable[int]) -> dict[int, Model]:
    """Lock the rows with these pks (FOR UPDATE, pk order) and return them fresh, keyed by pk."""
    ids = sorted(set(pks))
    return {row.pk: row for row in queryset.filter(pk__in=ids).order_by("pk").select_for_update(of=("self",))}


def row_lock(queryset: QuerySet, pk: int) -> Model:
    return queryset.select_for_update(of=("self",)).get(pk=pk)
