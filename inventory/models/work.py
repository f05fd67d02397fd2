"""Work orders: production (cutting runs) and transfers, and which demand relies on them.

They are stock documents, so they live with stock (the ATP reads planned work the way it reads
reservations, through inventory.selectors.committed_work); their services and API are operations'
(completing or shipping one posts stock and journal entries together).
"""

from decimal import Decimal

from django.db import models

from cashsheet.api.fields import MoneyField, UnitPriceField, WeightField
from inventory.models.core import CuttingPattern, Facility, Item, StockMovement, TransferLane


class ProductionStatus(models.TextChoices):
    PLANNED = "planned"
    RELEASED = "released"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


PRODUCTION_TRANSITIONS = {
    ProductionStatus.PLANNED: [ProductionStatus.RELEASED, ProductionStatus.COMPLETED, ProductionStatus.CANCELLED],
    ProductionStatus.RELEASED: [ProductionStatus.COMPLETED, ProductionStatus.CANCELLED],
    ProductionStatus.COMPLETED: [],
    ProductionStatus.CANCELLED: [],
}


class TransferStatus(models.TextChoices):
    PLANNED = "planned"
    SHIPPED = "shipped"
    RECEIVED = "received"
    CANCELLED = "cancelled"


TRANSFER_TRANSITIONS = {
    TransferStatus.PLANNED: [TransferStatus.SHIPPED, TransferStatus.CANCELLED],
    TransferStatus.SHIPPED: [TransferStatus.RECEIVED],
    TransferStatus.RECEIVED: [],
    TransferStatus.CANCELLED: [],
}


class ProductionOrder(models.Model):
    """A cutting run: `planned_input_lb` of the pattern's input item cut at `facility` on `production_date`."""

    number = models.CharField(max_length=20, unique=True, help_text="PO-000001, gapless per silo.")
    pattern = models.ForeignKey(CuttingPattern, on_delete=models.PROTECT, related_name="production_orders")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="production_orders")
    production_date = models.DateField(db_index=True)
    planned_input_lb = WeightField()
    status = models.CharField(max_length=10, choices=ProductionStatus.choices, default=ProductionStatus.PLANNED)
    input_lb = WeightField(null=True, blank=True, help_text="Actual input lb consumed (on completion).")
    input_value = MoneyField(null=True, blank=True, help_text="The inputs at their carrying cost.")
    processing_cost = MoneyField(null=True, blank=True, help_text="Pattern's processing cost × input lb.")
    journal_entry_id = models.BigIntegerField(null=True, blank=True, help_text="The ledger entry of the completion.")
    released_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    memo = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_input_lb__gt=0), name="%(app_label)s_%(class)s_planned_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProductionStatus.values), name="%(app_label)s_%(class)s_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed")
                | (models.Q(completed_at__isnull=False) & models.Q(input_lb__gt=0)),
                name="%(app_label)s_%(class)s_completed_has_input",
            ),
        ]
        indexes = [models.Index(fields=["status", "production_date"], name="inventory_po_status_date_idx")]


class ProductionOrderInput(models.Model):
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="inputs")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, related_name="+")
    quantity_lb = WeightField()
    movement = models.ForeignKey(StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity_lb__gt=0), name="%(app_label)s_%(class)s_positive"),
        ]


class ProductionOrderOutput(models.Model):
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="outputs")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    yield_fraction = models.DecimalField(max_digits=6, decimal_places=5, help_text="The pattern's yield.")
    planned_lb = WeightField(default=Decimal("0.00"))
    actual_lb = WeightField(null=True, blank=True)
    lot = models.ForeignKey("inventory.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_cost_per_lb = UnitPriceField(null=True, blank=True)
    value = MoneyField(null=True, blank=True, help_text="Joint cost carried (relative sales value).")
    list_price_per_lb = UnitPriceField(null=True, blank=True, help_text="Item's list price at completion.")
    movement = models.ForeignKey(StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "item"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(
                condition=models.Q(planned_lb__gte=0) & (models.Q(actual_lb__isnull=True) | models.Q(actual_lb__gte=0)),
                name="%(app_label)s_%(class)s_nonnegative",
            ),
        ]


class TransferOrder(models.Model):
    """`quantity_lb` of `item` over `lane`: shipped on `ship_date`, received after the lane's lead time."""

    number = models.CharField(max_length=20, unique=True, help_text="TO-000001, gapless per silo.")
    lane = models.ForeignKey(TransferLane, on_delete=models.PROTECT, related_name="transfer_orders")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="transfer_orders")
    quantity_lb = WeightField()
    ship_date = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.PLANNED)
    freight_cost = MoneyField(default=Decimal("0.00"), help_text="Lane cost × lb shipped, capitalised.")
    goods_value = MoneyField(null=True, blank=True, help_text="Value that left the source (at its average).")
    received_date = models.DateField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    memo = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity_lb__gt=0), name="%(app_label)s_%(class)s_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=TransferStatus.values), name="%(app_label)s_%(class)s_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="received") | models.Q(received_date__gte=models.F("ship_date")),
                name="%(app_label)s_%(class)s_received_after_ship",
            ),
        ]
        indexes = [models.Index(fields=["status", "ship_date"], name="inventory_to_status_date_idx")]


class TransferOrderLot(models.Model):
    order = models.ForeignKey(TransferOrder, on_delete=models.CASCADE, related_name="lots")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, related_name="+")
    quantity_lb = WeightField()
    out_movement = models.ForeignKey(StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    in_movement = models.ForeignKey(StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity_lb__gt=0), name="%(app_label)s_%(class)s_positive"),
        ]


class WorkDemand(models.Model):
    """Which demand (a sales order line, an LP run) relies on which planned order, for how much output."""

    production_order = models.ForeignKey(
        ProductionOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="demands"
    )
    transfer_order = models.ForeignKey(
        TransferOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="demands"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity_lb = WeightField(help_text="Planned output (or lb moved) reserved for the demand.")
    input_lb = WeightField(default=Decimal("0.00"), help_text="Production: the input lb this demand added.")
    source_type = models.CharField(max_length=40, default="sales_order_line")
    source_id = models.BigIntegerField()
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(production_order__isnull=False) & models.Q(transfer_order__isnull=True))
                | (models.Q(production_order__isnull=True) & models.Q(transfer_order__isnull=False)),
                name="%(app_label)s_%(class)s_one_order",
            ),
            models.CheckConstraint(condition=models.Q(quantity_lb__gte=0), name="%(app_label)s_%(class)s_nonneg"),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="inventory_wd_source_idx")]
