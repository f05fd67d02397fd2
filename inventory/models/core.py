"""Inventory master data and stock.

Quantities are pounds, Decimal with 2 places; per-lb prices and costs Decimal with 4 places.
Invariants live in the database (constraints below); services in inventory/services.py keep the
derived tables (StockBalance, StockDay) in step with StockMovement inside one transaction.
"""

from decimal import Decimal

from django.db import models
from django.db.models.functions import Upper

from cashsheet.api.fields import MoneyField, UnitPriceField, WeightField
from cashsheet.timezones import validate_timezone


class Facility(models.Model):
    """A plant or cold store. `code` is the `facility_id` that ATP requests carry.

    Cutting capacity is per process class and day, in lb of input: breaking (carcass to primals) and
    fabrication (primals to subprimals) run on separate lines. `timezone` defines the facility's "today":
    a delivery date is in the past when it is before the facility's local date.
    """

    code = models.CharField(max_length=20, help_text="Uppercase, unique, e.g. BLYTHE.")
    name = models.CharField(max_length=200)
    address = models.JSONField(default=dict, blank=True)
    timezone = models.CharField(
        max_length=64, default="America/Chicago", validators=[validate_timezone], help_text="IANA time zone."
    )
    can_break = models.BooleanField(default=False, help_text="Can break carcasses and primals.")
    breaking_capacity_lb = WeightField(
        default=Decimal("0.00"), help_text="Breaking capacity (carcass to primals), lb of input per day."
    )
    fabrication_capacity_lb = WeightField(
        default=Decimal("0.00"), help_text="Fabrication capacity (primals to subprimals), lb of input per day."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "facilities"
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="%(app_label)s_%(class)s_code_unique",
                violation_error_message="A facility with this code already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(code=Upper("code")) & ~models.Q(code=""),
                name="%(app_label)s_%(class)s_code_uppercase",
            ),
            models.CheckConstraint(
                condition=models.Q(breaking_capacity_lb__gte=0) & models.Q(fabrication_capacity_lb__gte=0),
                name="%(app_label)s_%(class)s_capacity_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def daily_capacity_lb(self) -> Decimal:
        """Both process classes together (read-only; the two capacities are what the ATP uses)."""
        return self.breaking_capacity_lb + self.fabrication_capacity_lb


class Species(models.TextChoices):
    BEEF = "beef"
    PORK = "pork"
    LAMB = "lamb"
    VEAL = "veal"


class Category(models.TextChoices):
    CARCASS = "carcass"
    PRIMAL = "primal"
    SUBPRIMAL = "subprimal"
    TRIM = "trim"
    BY_PRODUCT = "by-product"


class Item(models.Model):
    """A product identified by its USDA IMPS code (e.g. 112A), sold and stocked by the pound."""

    imps_code = models.CharField(max_length=16, help_text="USDA IMPS code, e.g. 112A; unique in the silo.")
    description = models.CharField(max_length=200)
    species = models.CharField(max_length=10, choices=Species.choices, default=Species.BEEF)
    category = models.CharField(max_length=12, choices=Category.choices)
    grade = models.CharField(max_length=40, blank=True, default="")
    unit = models.CharField(max_length=4, default="lb", editable=False)
    list_price_per_lb = UnitPriceField(default=Decimal("0.0000"))
    standard_cost_per_lb = UnitPriceField(default=Decimal("0.0000"))
    # Defaults here are a vacuum-packed subprimal's; item_create picks the item's category's instead.
    shelf_life_days = models.PositiveSmallIntegerField(
        default=40, help_text="Chilled shelf life: a lot's use-by is its pack date + this many days (unless given)."
    )
    frozen_shelf_life_days = models.PositiveSmallIntegerField(
        default=365, help_text="Shelf life of a frozen lot, in days."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["imps_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["imps_code"],
                name="%(app_label)s_%(class)s_imps_code_unique",
                violation_error_message="An item with this imps_code already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(list_price_per_lb__gte=0) & models.Q(standard_cost_per_lb__gte=0),
                name="%(app_label)s_%(class)s_prices_nonnegative",
            ),
            models.CheckConstraint(condition=models.Q(unit="lb"), name="%(app_label)s_%(class)s_unit_lb"),
            models.CheckConstraint(
                condition=models.Q(shelf_life_days__gt=0) & models.Q(frozen_shelf_life_days__gt=0),
                name="%(app_label)s_%(class)s_shelf_life_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.imps_code} {self.description}"


class TransferLane(models.Model):
    """Stock can move from one facility to another, arriving `lead_time_days` later, at a cost per lb."""

    from_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="lanes_out")
    to_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="lanes_in")
    lead_time_days = models.PositiveSmallIntegerField(default=1)
    cost_per_lb = UnitPriceField(default=Decimal("0.0000"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["from_facility__code", "to_facility__code"]
        constraints = [
            models.UniqueConstraint(fields=["from_facility", "to_facility"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(
                condition=~models.Q(from_facility=models.F("to_facility")), name="%(app_label)s_%(class)s_distinct_ends"
            ),
            models.CheckConstraint(
                condition=models.Q(cost_per_lb__gte=0), name="%(app_label)s_%(class)s_cost_nonnegative"
            ),
        ]


class Process(models.TextChoices):
    BREAKING = "breaking"  # carcass (or side) to primals: needs the chill day before the primals can be cut
    FABRICATION = "fabrication"  # primals to subprimals and trim


# Outputs are available this many days after the cut unless the pattern says otherwise: a broken carcass
# chills for a day before its primals can be fabricated or shipped; fabricated product is boxed the same day.
DEFAULT_LEAD_TIME_DAYS = {Process.BREAKING: 1, Process.FABRICATION: 0}


class CuttingPattern(models.Model):
    """How one input item is broken into outputs (joint products) at the facilities that may run it.

    Output yields are fractions of input lb, each > 0, summing to ≤ 1; the remainder is shrink. The pattern
    runs on its process class's capacity; its outputs are available `lead_time_days` after the cut.
    """

    code = models.CharField(max_length=40, help_text="e.g. 103-TO-112A")
    name = models.CharField(max_length=200, blank=True, default="")
    input_item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="patterns_in")
    process = models.CharField(
        max_length=12,
        choices=Process.choices,
        default=Process.FABRICATION,
        help_text="breaking (carcass to primals) or fabrication (primals to subprimals).",
    )
    lead_time_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days after the cut before the outputs are available (breaking: 1, the chill day)."
    )
    processing_cost_per_lb = UnitPriceField(default=Decimal("0.0000"), help_text="Per lb of input.")
    facilities = models.ManyToManyField(Facility, related_name="cutting_patterns", blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="%(app_label)s_%(class)s_code_unique"),
            models.CheckConstraint(
                condition=models.Q(processing_cost_per_lb__gte=0), name="%(app_label)s_%(class)s_cost_nonnegative"
            ),
            models.CheckConstraint(
                condition=models.Q(process__in=Process.values), name="%(app_label)s_%(class)s_process"
            ),
            models.CheckConstraint(
                condition=models.Q(lead_time_days__lte=30), name="%(app_label)s_%(class)s_lead_time_range"
            ),
        ]


class CuttingPatternOutput(models.Model):
    pattern = models.ForeignKey(CuttingPattern, on_delete=models.CASCADE, related_name="outputs")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="pattern_outputs")
    yield_fraction = models.DecimalField(max_digits=6, decimal_places=5)

    class Meta:
        ordering = ["pattern", "item__imps_code"]
        constraints = [
            models.UniqueConstraint(fields=["pattern", "item"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(
                condition=models.Q(yield_fraction__gt=0) & models.Q(yield_fraction__lte=1),
                name="%(app_label)s_%(class)s_yield_range",
            ),
        ]


class MovementKind(models.TextChoices):
    RECEIPT = "receipt"
    SHIPMENT = "shipment"
    PRODUCTION_INPUT = "production_input"
    PRODUCTION_OUTPUT = "production_output"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ADJUSTMENT = "adjustment"


# The kind gives the direction; `adjustment` carries its own sign in `direction`.
INBOUND_KINDS = frozenset({MovementKind.RECEIPT, MovementKind.PRODUCTION_OUTPUT, MovementKind.TRANSFER_IN})
OUTBOUND_KINDS = frozenset({MovementKind.SHIPMENT, MovementKind.PRODUCTION_INPUT, MovementKind.TRANSFER_OUT})


class StockMovement(models.Model):
    """One immutable change of stock of one lot. A correction is a new movement, never an edit.

    A shipment over three lots is three movements; Σ of a pair's movements = its StockBalance.
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="movements")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=20, choices=MovementKind.choices)
    direction = models.SmallIntegerField(help_text="+1 into stock, -1 out of stock.")
    quantity_lb = WeightField(help_text="Always positive; `direction` gives the sign.")
    effective_date = models.DateField(db_index=True)
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, related_name="movements")
    unit_cost_per_lb = UnitPriceField(null=True, blank=True)
    value = MoneyField(default=Decimal("0.00"), help_text="Signed inventory value moved, at cost.")
    memo = models.CharField(max_length=500, blank=True, default="")
    lane = models.ForeignKey(TransferLane, null=True, blank=True, on_delete=models.PROTECT, related_name="movements")
    transfer_pair = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The other leg of a transfer.",
    )
    source_type = models.CharField(max_length=40, blank=True, default="", help_text="e.g. sales_order")
    source_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_lb__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
            models.CheckConstraint(condition=models.Q(direction__in=[1, -1]), name="%(app_label)s_%(class)s_direction"),
            models.CheckConstraint(
                condition=models.Q(kind__in=MovementKind.values), name="%(app_label)s_%(class)s_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "item", "effective_date"], name="inventory_mv_fac_item_date_idx"),
            models.Index(fields=["source_type", "source_id"], name="inventory_mv_source_idx"),
        ]


class StockBalance(models.Model):
    """Position per facility and item after every posted movement, with value and average cost.

    It includes future-dated movements (e.g. a transfer's in leg still in transit); on hand today or
    on a date is the pair's StockDay closing (inventory.selectors.stock_on_hand). The row is the lock
    target for every movement of its facility and item (select_for_update in pk order, through
    inventory.locks), so concurrent postings serialise and never oversell. Weighted average cost
    (perpetual, in posting order) lives here.
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    on_hand_lb = WeightField(default=Decimal("0.00"))
    value = MoneyField(default=Decimal("0.00"))
    avg_cost_per_lb = UnitPriceField(default=Decimal("0.0000"))
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["facility", "item"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "item"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(condition=models.Q(on_hand_lb__gte=0), name="%(app_label)s_%(class)s_nonnegative"),
        ]


class StockDay(models.Model):
    """Closing on-hand per facility, item and date with any movement: the as-of and never-negative table.

    A movement dated D adds its signed quantity to every row on or after D; the check constraint
    makes any posting that would take a later day below zero fail in the database itself.
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    closing_lb = WeightField(default=Decimal("0.00"))
    closing_value = MoneyField(default=Decimal("0.00"))

    class Meta:
        ordering = ["facility", "item", "date"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "item", "date"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(condition=models.Q(closing_lb__gte=0), name="%(app_label)s_%(class)s_nonnegative"),
        ]


class Reservation(models.Model):
    """Stock promised to a confirmed order line: `quantity_lb` of `item` delivered at `delivery_facility`
    on `delivery_date`, sourced from `facility`. ATP treats active reservations as demand that must
    keep being served; shipping or cancelling releases them (released_at set)."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="reservations", help_text="Where the stock comes from."
    )
    delivery_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="reservations")
    delivery_date = models.DateField()
    quantity_lb = WeightField()
    min_use_by_date = models.DateField(
        null=True, blank=True, help_text="The customer's minimum shelf life: stock must keep until this date."
    )
    source_type = models.CharField(max_length=40, default="sales_order_line")
    source_id = models.BigIntegerField()
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["delivery_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_lb__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["item", "delivery_date"],
                name="inventory_res_item_date_idx",
                condition=models.Q(released_at__isnull=True),
            ),
            models.Index(fields=["source_type", "source_id"], name="inventory_res_source_idx"),
        ]
