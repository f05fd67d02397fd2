"""ATP: a record of every check (the permission `atp.run_atpcheck` guards the endpoint) and LP planning runs.

Quantities are lb with 2 places, per-lb prices 4 places (Decimal). The engine itself keeps no tables:
it reads inventory's facilities, items, lanes, patterns, stock days and reservations.
"""

import uuid

from django.conf import settings
from django.db import models

from cashsheet.api.fields import MoneyField, UnitPriceField, WeightField


class AtpResultKind(models.TextChoices):
    FEASIBLE = "feasible"
    PARTIAL = "partial"
    INFEASIBLE = "infeasible"


class AtpCheck(models.Model):
    """One answered ATP check (a simulation: it reserves nothing). Written after the answer is sent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = models.ForeignKey("inventory.Facility", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("inventory.Item", on_delete=models.PROTECT, related_name="+")
    quantity_lb = WeightField()
    delivery_date = models.DateField()
    result = models.CharField(max_length=10, choices=AtpResultKind.choices)
    available_lb = WeightField()
    marginal_price_per_lb = UnitPriceField(null=True, blank=True)
    source_facility = models.ForeignKey(
        "inventory.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    solver_latency_ms = models.DecimalField(max_digits=10, decimal_places=3)
    answer = models.JSONField(default=dict, blank=True, help_text="The full response body.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("run_atpcheck", "Can run an ATP check")]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity_lb__gt=0), name="%(app_label)s_%(class)s_qty_positive"),
            models.CheckConstraint(
                condition=models.Q(available_lb__gte=0) & models.Q(available_lb__lte=models.F("quantity_lb")),
                name="%(app_label)s_%(class)s_available_range",
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=AtpResultKind.values), name="%(app_label)s_%(class)s_result"
            ),
        ]


class LpRunStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class LpRun(models.Model):
    """A production-planning LP over the silo's whole horizon, solved in a Celery worker."""

    status = models.CharField(max_length=10, choices=LpRunStatus.choices, default=LpRunStatus.QUEUED)
    horizon_days = models.PositiveSmallIntegerField()
    objective = MoneyField(null=True, blank=True, help_text="Plan cost (negative: value created), in currency.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    plan = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=LpRunStatus.values), name="%(app_label)s_%(class)s_status"
            ),
        ]
