"""Inventory's domain errors (409s): the one exception handler renders them with their context keys."""

from cashsheet.api.exceptions import Conflict


class InsufficientStock(Conflict):
    """The movement would take a facility's item, or a lot, below zero on its date or a later one."""

    code = "insufficient_stock"


class LotOnHold(Conflict):
    """A held lot cannot be shipped, transferred or used in production."""

    code = "lot_on_hold"


class LotExpired(Conflict):
    """The lot's use-by date is before the movement's date."""

    code = "lot_expired"


class ShelfLifeTooShort(Conflict):
    """The lot's use-by date is before the earliest the receiver accepts (delivery + minimum shelf life)."""

    code = "shelf_life_too_short"
