"""Helpers services share: field checks, the validated save, uniqueness checks that answer 409 with the
existing record's id."""

from django.db.models import Model, QuerySet

from cashsheet.api.exceptions import Conflict


def fields_check(data: dict, allowed: frozenset[str], label: str) -> None:
    """A caller passing a field the service does not take is a programming error, not bad input."""
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"unknown {label} fields: {sorted(unknown)}")


def model_save(instance: Model, data: dict, *, creating: bool) -> Model:
    """Set `data` on `instance`, validate its fields (constraints are the database's) and save.

    An update writes only the given fields (and `updated_at`), so concurrent edits of other fields survive.
    """
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean(validate_constraints=False)
    if creating:
        instance.save()
    else:
        instance.save(update_fields=[*data.keys(), "updated_at"])
    return instance


def ensure_unique(queryset: QuerySet, *, field: str, value, label: str, exclude: Model | None = None) -> None:
    """Refuse a duplicate before the database does, naming the field and the record that has it.

    The database constraint still guards the race between two requests (the exception handler
    turns its IntegrityError into 409).
    """
    ensure_unique_all([(queryset, field, value)], label=label, exclude=exclude)


def ensure_unique_all(checks, *, label: str, exclude: Model | None = None) -> None:
    """Check every (queryset, field, value) and refuse with all the duplicates at once.

    The 409 names each conflicting field with the id of the record that holds it
    (`errors: [{field, code: "unique", message, existing_id}]`); the top-level `existing_id` is the first
    check's holder, so list the integration key (`external_ref`) first.
    """
    errors = []
    for queryset, field, value in checks:
        if value in (None, ""):
            continue
        existing = queryset
        if exclude is not None and exclude.pk:
            existing = existing.exclude(pk=exclude.pk)
        found = existing.values_list("pk", flat=True).first()
        if found is not None:
            message = f"A {label} with {field} '{value}' already exists."
            errors.append({"field": field, "code": "unique", "message": message, "existing_id": found})
    if errors:
        raise Conflict(
            " ".join(e["message"] for e in errors),
            field=errors[0]["field"],
            existing_id=errors[0]["existing_id"],
            errors=errors,
        )
