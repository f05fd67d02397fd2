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


class LpSolver(models.TextChoices):
    HIGHS = "highs"  # HiGHS through PuLP's HiGHS API solver (the default)
    CBC = "cbc"  # COIN-OR CBC, the solver PuLP ships


class LpRunStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class LpRun(models.Model):
    """A production-planning LP over the silo's whole horizon, solved in a Celery worker."""

    status = models.CharField(max_length=10, choices=LpRunStatus.choices, default=LpRunStatus.QUEUED)
    solver = models.CharField(max_length=8, choices=LpSolver.choices, default=LpSolver.HIGHS)
    horizon_days = models.PositiveSmallIntegerField()
    plan_date = models.DateField(null=True, blank=True, help_text="Day 0 of the plan (t0 in the model's names).")
    objective = MoneyField(null=True, blank=True, help_text="Plan cost (negative: value created), in currency.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    plan = models.JSONField(default=dict, blank=True)
    model_mps = models.BinaryField(null=True, blank=True, editable=False, help_text="The LP solved, MPS, gzip.")
    model_lp = models.BinaryField(null=True, blank=True, editable=False, help_text="The LP solved, LP format, gzip.")
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
            models.CheckConstraint(
                condition=models.Q(solver__in=LpSolver.values), name="%(app_label)s_%(class)s_solver"
            ),
        ]


class PlanStepKind(models.TextChoices):
    CUT = "cut"
    TRANSFER = "transfer"


class PlannedStep(models.Model):
    """One piece of work a confirmed line relies on, as the ATP planned it at confirmation: a cut (pattern,
    facility, day, input lb, and the output the line consumes) or a transfer (lane, item, ship date, lb).

    Kept beside the reservation it belongs to (same source_type/source_id) and released with it. Turning these
    into production and transfer orders is the operations app's job (docs/operations.md)."""

    source_type = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=PlanStepKind.choices)
    facility = models.ForeignKey(
        "inventory.Facility", on_delete=models.PROTECT, related_name="+", help_text="Where it runs / ships from."
    )
    date = models.DateField(help_text="The cut's day, or the transfer's ship date.")
    pattern = models.ForeignKey(
        "inventory.CuttingPattern", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    input_item = models.ForeignKey("inventory.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    input_lb = WeightField(null=True, blank=True)
    output_item = models.ForeignKey("inventory.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    output_lb = WeightField(null=True, blank=True)
    lane = models.ForeignKey(
        "inventory.TransferLane", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey("inventory.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lb = WeightField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["source_type", "source_id", "date", "id"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="atp_plannedstep_source_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="cut",
                        pattern__isnull=False,
                        input_item__isnull=False,
                        input_lb__gt=0,
                        output_item__isnull=False,
                        output_lb__gte=0,
                        lane__isnull=True,
                        lb__isnull=True,
                    )
                    | models.Q(
                        kind="transfer",
                        lane__isnull=False,
                        item__isnull=False,
                        lb__gt=0,
                        pattern__isnull=True,
                        input_lb__isnull=True,
                    )
                ),  # fmt: skip
                name="%(app_label)s_%(class)s_kind_fields",
            ),
        ]
