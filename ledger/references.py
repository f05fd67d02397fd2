"""Rows of other apps that ledger rows point at (customers, vendors, items, facilities).

The ledger holds string foreign keys to them ("parties.Customer", "inventory.Item", ...): data that
keeps the dependency direction. To refuse a missing id with a 400 naming the field (the database's
deferred foreign-key check would only fail at COMMIT), it asks the model its own foreign key resolved
to, so the ledger never imports inventory.
"""

from collections.abc import Iterable

from django.db.models import Model


def referenced_model(model: type[Model], field: str) -> type[Model]:
    """The model `model.field` points at."""
    return model._meta.get_field(field).related_model


def referenced_ids(model: type[Model], field: str, ids: Iterable[int]) -> set[int]:
    """Which of `ids` exist as rows of the model that `model.field` points at (one query)."""
    wanted = set(ids)
    if not wanted:
        return set()
    target = referenced_model(model, field)
    return set(target._base_manager.filter(pk__in=wanted).values_list("pk", flat=True))
