"""Lots: every pound of stock is in exactly one lot, with a pack date and a use-by date.

A lot is the label on the box: its code stays the same when the box moves between facilities, so a
lot has one balance per facility it lies in (LotBalance) and one closing per facility and date
(LotDay, the as-of and never-negative table, like StockDay for the facility and item). LotEdge is
the genealogy production writes: input lot (parent) → output lot (child), which trace walks.

The kept tables are moved only by inventory.services.stock, under the StockBalance lock of the
facility and item, so Σ LotBalance = StockBalance and Σ LotDay = StockDay for every pair and date.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from cashsheet.api.fields import UnitPriceField, WeightField
from inventory.models.core import Facility, Item


class LotOrigin(models.TextChoices):
    RECEIPT = "receipt"
    PRODUCTION = "production"
    OPENING = "opening"


class LotState(models.TextChoices):
    CHILLED = "chilled"
    FROZEN = "frozen"


class Lot(models.Model):
    """One lot of one item. `facility` is its home (where it was received or made)."""

    code = models.CharField(max_length=60, help_text="Unique per item, whatever the case.")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="lots", help_text="Where it was received or made."
    )
    origin = models.CharField(max_length=12, choices=LotOrigin.choices)
    vendor = models.ForeignKey("parties.Vendor", null=True, blank=True, on_delete=models.PROTECT, related_name="lots")
    vendor_lot_code = models.CharField(max_length=60, blank=True, default="", help_text="The vendor's lot number.")
    establishment_number = models.CharField(
        max_length=20, blank=True, default="", help_text="USDA establishment number of the plant that packed it."
    )
    pack_date = models.DateField()
    kill_date = models.DateField(null=True, blank=True, help_text="Slaughter/harvest date, where known.")
    use_by_date = models.DateField(
        null=True, blank=True, help_text="Pack date + the item's shelf life for its state unless given; null: none."
    )
    state = models.CharField(max_length=8, choices=LotState.choices, default=LotState.CHILLED)
    production_order = models.ForeignKey(
        "inventory.ProductionOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="lots",
        help_text="The production order that made it (origin production).",
    )  # fmt: skip
    on_hold = models.BooleanField(default=False, help_text="A held lot cannot be shipped, transferred or promised.")
    hold_reason = models.CharField(max_length=500, blank=True, default="")
    held_at = models.DateTimeField(null=True, blank=True)
    unit_cost_per_lb = UnitPriceField(null=True, blank=True, help_text="Cost at origin (informational).")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                "item",
                name="%(app_label)s_%(class)s_code_unique",
                violation_error_message="This item already has a lot with this code.",
            ),
            models.CheckConstraint(condition=~models.Q(code=""), name="%(app_label)s_%(class)s_code_not_blank"),
            models.CheckConstraint(
                condition=models.Q(origin__in=LotOrigin.values), name="%(app_label)s_%(class)s_origin_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=LotState.values), name="%(app_label)s_%(class)s_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(use_by_date__isnull=True) | models.Q(use_by_date__gte=models.F("pack_date")),
                name="%(app_label)s_%(class)s_use_by_after_pack",
            ),
            models.CheckConstraint(
                condition=models.Q(kill_date__isnull=True) | models.Q(kill_date__lte=models.F("pack_date")),
                name="%(app_label)s_%(class)s_kill_before_pack",
            ),
            models.CheckConstraint(
                condition=models.Q(on_hold=False) | (~models.Q(hold_reason="") & models.Q(held_at__isnull=False)),
                name="%(app_label)s_%(class)s_hold_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_cost_per_lb__isnull=True) | models.Q(unit_cost_per_lb__gte=0),
                name="%(app_label)s_%(class)s_cost_nonnegative",
            ),
        ]
        indexes = [
            models.Index(fields=["item", "use_by_date"], name="inventory_lot_item_useby_idx"),
            models.Index(Upper("vendor_lot_code"), name="inventory_lot_vendor_lot_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class LotBalance(models.Model):
    """Lb of a lot at one facility after every posted movement (future-dated ones included)."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="balances")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="lot_balances")
    on_hand_lb = WeightField(default=Decimal("0.00"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["lot", "facility"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "facility"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(condition=models.Q(on_hand_lb__gte=0), name="%(app_label)s_%(class)s_nonnegative"),
        ]
        indexes = [
            models.Index(
                fields=["facility", "lot"], name="inventory_lotbal_instock_idx", condition=models.Q(on_hand_lb__gt=0)
            )
        ]


class LotDay(models.Model):
    """Closing lb of a lot at a facility on each date with a movement; CHECK >= 0 on every date."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    closing_lb = WeightField(default=Decimal("0.00"))

    class Meta:
        ordering = ["lot", "facility", "date"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "facility", "date"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(condition=models.Q(closing_lb__gte=0), name="%(app_label)s_%(class)s_nonnegative"),
        ]
        # Future-dated rows (transfers in transit) are few; the ATP's supply read finds them by date.
        indexes = [models.Index(fields=["date"], name="inventory_lotday_date_idx")]


class LotEdge(models.Model):
    """Genealogy: `quantity_lb` of `parent` went into the production that made `child`.

    With several outputs, the input is shared in proportion to each output's lb, so a parent's edges
    sum to what production consumed of it. Issue 13 adds `production_order` (FK) to this table.
    """

    parent = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="child_edges")
    child = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="parent_edges")
    production_order = models.ForeignKey(
        "inventory.ProductionOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="edges"
    )
    quantity_lb = WeightField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("child")), name="%(app_label)s_%(class)s_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_lb__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
        ]


class LotHold(models.Model):
    """Every hold of a lot, open (released_at null) or released: the audit trail behind `Lot.on_hold`."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(max_length=500)
    held_at = models.DateTimeField()
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=500, blank=True, default="")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot"], condition=models.Q(released_at__isnull=True), name="%(app_label)s_%(class)s_one_open"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="%(app_label)s_%(class)s_reason_given"),
        ]


class InventorySequence(models.Model):
    """Per-silo counters (row "lot": generated lot codes). Locked and incremented with F() + 1."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)
