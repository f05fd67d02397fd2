"""Sales orders: the order-to-cash documents. Customers are parties.Customer."""

from decimal import Decimal

from django.db import models

from cashsheet.api.fields import MoneyField, UnitPriceField, WeightField


class SalesOrderStatus(models.TextChoices):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"


# The lifecycle: which statuses each status may move to.
SALES_ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SalesOrderStatus.DRAFT: (SalesOrderStatus.CONFIRMED, SalesOrderStatus.CANCELLED),
    SalesOrderStatus.CONFIRMED: (SalesOrderStatus.SHIPPED, SalesOrderStatus.CANCELLED),
    SalesOrderStatus.SHIPPED: (SalesOrderStatus.INVOICED,),
    SalesOrderStatus.INVOICED: (),
    SalesOrderStatus.CANCELLED: (),
}


class SalesOrderSequence(models.Model):
    """One row per silo: the last sales order number issued. Locked and incremented with F() + 1."""

    name = models.CharField(max_length=20, primary_key=True, default="sales_order")
    value = models.PositiveBigIntegerField(default=0)


class SalesOrder(models.Model):
    number = models.CharField(max_length=20, editable=False, help_text="SO-000001, sequential per silo.")
    customer = models.ForeignKey("parties.Customer", on_delete=models.PROTECT, related_name="sales_orders")
    external_ref = models.CharField(
        max_length=100, null=True, blank=True, help_text="The portal's or CRM's order id; unique when set."
    )
    order_date = models.DateField()
    delivery_date = models.DateField(help_text="Requested delivery date; the default for lines.")
    facility = models.ForeignKey(
        "inventory.Facility",
        on_delete=models.PROTECT,
        related_name="sales_orders",
        help_text="Ship-from facility; the default for lines.",
    )
    status = models.CharField(max_length=12, choices=SalesOrderStatus.choices, default=SalesOrderStatus.DRAFT)
    memo = models.CharField(max_length=500, blank=True, default="")
    min_shelf_life_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Overrides the customer's min_shelf_life_days for this order; null: theirs."
    )
    total = MoneyField(default=Decimal("0.00"), help_text="Ordered lb × price, or shipped lb × price once shipped.")
    invoice = models.ForeignKey("ledger.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    ship_date = models.DateField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="%(app_label)s_%(class)s_number_unique"),
            models.UniqueConstraint(
                fields=["external_ref"],
                name="%(app_label)s_%(class)s_external_ref_unique",
                condition=models.Q(external_ref__isnull=False),
                violation_error_message="A sales order with this external_ref already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SalesOrderStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="%(app_label)s_%(class)s_total_nonnegative"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="sales_so_status_idx"),
            models.Index(fields=["customer", "-created_at"], name="sales_so_customer_idx"),
            models.Index(fields=["delivery_date"], name="sales_so_delivery_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class SalesOrderLine(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField()
    item = models.ForeignKey("inventory.Item", on_delete=models.PROTECT, related_name="+")
    quantity_lb = WeightField()
    price_per_lb = UnitPriceField()
    delivery_date = models.DateField()
    facility = models.ForeignKey("inventory.Facility", on_delete=models.PROTECT, related_name="+")
    shipped_lb = WeightField(null=True, blank=True, help_text="Catch weight actually shipped.")
    amount = MoneyField(default=Decimal("0.00"))
    source_facility = models.ForeignKey(
        "inventory.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The facility supplying most of the line.",
    )
    marginal_price_per_lb = UnitPriceField(null=True, blank=True, help_text="ATP's marginal price at confirmation.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="%(app_label)s_%(class)s_line_no_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity_lb__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(price_per_lb__gte=0), name="%(app_label)s_%(class)s_price_nonnegative"
            ),
            models.CheckConstraint(
                condition=models.Q(shipped_lb__isnull=True) | models.Q(shipped_lb__gte=0),
                name="%(app_label)s_%(class)s_shipped_nonnegative",
            ),
        ]


class SalesOrderAllocation(models.Model):
    """Where a confirmed line's pounds come from (one row per source facility)."""

    line = models.ForeignKey(SalesOrderLine, on_delete=models.CASCADE, related_name="allocations")
    source_facility = models.ForeignKey("inventory.Facility", on_delete=models.PROTECT, related_name="+")
    quantity_lb = WeightField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line", "-quantity_lb"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_lb__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
        ]


class SalesOrderLineLot(models.Model):
    """What a shipped line took: one row per lot and facility, beside the stock movement it wrote."""

    line = models.ForeignKey(SalesOrderLine, on_delete=models.CASCADE, related_name="lots")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey("inventory.Facility", on_delete=models.PROTECT, related_name="+")
    shipped_lb = WeightField()
    movement = models.OneToOneField("inventory.StockMovement", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shipped_lb__gt=0), name="%(app_label)s_%(class)s_shipped_positive"
            ),
        ]
