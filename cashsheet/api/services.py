"""Helpers services share: uniqueness checks that answer 409 with the existing record's id."""

from django.db.models import Model, QuerySet

from cashsheet.api.exceptions import Conflict


def ensure_unique(queryset: QuerySet, *, field: str, value, label: str, exclude: Model | None = None) -> None:
    """Refuse a duplicate before the database does, naming the field and the record that has it.

    The database constraint still guards the race between two requests (the exception handler
    turns its IntegrityError into 409).
    """
    if value in (None, ""):
        return
    existing = queryset
    if exclude is not None and exclude.pk:
        existing = existing.exclude(pk=exclude.pk)
    found = existing.values_list("pk", flat=True).first()
    if found is not None:
        raise Conflict(f"A {label} with {field} '{value}' already exists.", field=field, existing_id=found)
