"""Helpers the ledger services share: Decimal parsing, id coercion, document numbers."""

from decimal import Decimal, InvalidOperation

from django.db.models import F

from cashsheet.api.fields import quantize
from ledger.errors import InvalidInput
from ledger.models import Sequence

CENTS = Decimal("0.01")
# Money columns hold 14 digits with 2 places; refuse larger figures as input, not as a database error.
MONEY_LIMIT = Decimal(10) ** 12


def money(value, *, field: str, allow_zero: bool = False) -> Decimal:
    """A positive amount with at most 2 places, as Decimal. Floats are refused: they are not exact."""
    if isinstance(value, float | bool) or value is None:
        raise InvalidInput('Must be a decimal amount given as a string, e.g. "12.50".', field=field)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput('Must be a decimal amount, e.g. "12.50".', field=field) from None
    if not amount.is_finite():
        raise InvalidInput("Must be a finite amount.", field=field)
    if amount != quantize(amount):
        raise InvalidInput("At most 2 decimal places.", field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidInput("Must be greater than zero.", field=field)
    if amount >= MONEY_LIMIT:
        raise InvalidInput(f"Must be less than {MONEY_LIMIT:,}.", field=field)
    return quantize(amount)


def user_or_none(actor):
    """The acting user for `created_by` columns, or None (the seeder and system tasks have none)."""
    return actor if getattr(actor, "pk", None) else None


def pk_of(value) -> int | None:
    """Services accept a model instance or its id."""
    if value is None:
        return None
    return getattr(value, "pk", value)


def sequence_next(name: str) -> int:
    """The next number of a per-silo sequence. Locks its row until the caller's transaction ends.

    Must be called inside a transaction: the increment rolls back with the document that used it,
    so numbers never skip; the row lock makes concurrent callers wait, so they never repeat.
    """
    locked = Sequence.objects.select_for_update()
    try:
        row = locked.get(name=name)
    except Sequence.DoesNotExist:
        # First use in this silo: concurrent first users race on the unique name, not on a duplicate row.
        Sequence.objects.bulk_create([Sequence(name=name, value=0)], ignore_conflicts=True)
        row = locked.get(name=name)
    Sequence.objects.filter(pk=row.pk).update(value=F("value") + 1)
    # The row is locked by this transaction, so the stored value is exactly the one read plus one.
    return row.value + 1


def document_number(name: str, prefix: str) -> str:
    return f"{prefix}{sequence_next(name):06d}"
