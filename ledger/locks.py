"""Row locks, always taken in primary-key order so two transactions never wait on each other in a cycle.

Lock order across the app, so no two transactions wait on each other in a cycle: documents
(invoices/bills, FOR UPDATE by pk) → accounts (FOR SHARE by pk, `services.journal.accounts_share_lock`)
→ the covering period (FOR UPDATE) → the journal-entry sequence row (FOR UPDATE, held to commit).
Account type changes and deletes lock only the account; closing a period locks only the period.
"""

from collections.abc import Iterable

from django.db.models import Model, QuerySet


def rows_lock(queryset: QuerySet, pks: Iterable[int]) -> dict[int, Model]:
    """Lock the rows with these pks (FOR UPDATE, pk order) and return them fresh, keyed by pk."""
    ids = sorted(set(pks))
    return {row.pk: row for row in queryset.filter(pk__in=ids).order_by("pk").select_for_update(of=("self",))}


def row_lock(queryset: QuerySet, pk: int) -> Model:
    return queryset.select_for_update(of=("self",)).get(pk=pk)
