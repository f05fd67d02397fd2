"""The silo registry, in the public schema: silos, their domains and plans."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

# A slug is a DNS label and a PostgreSQL schema name at once: lowercase letters and digits.
SLUG_RE = re.compile(r"^[a-z][a-z0-9]{1,39}$")
RESERVED_SLUGS = frozenset({"public", "www", "api", "admin", "app", "static", "template", "mail", "status"})


class Plan(models.Model):
    """Rate limits a silo's tokens get; enterprise plans raise them."""

    name = models.CharField(max_length=50, unique=True)
    requests_per_minute = models.PositiveIntegerField(default=1000)
    burst_per_second = models.PositiveIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requests_per_minute__gt=0) & models.Q(burst_per_second__gt=0),
                name="%(app_label)s_%(class)s_limits_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name


def default_plan_id() -> int:
    plan, _ = Plan.objects.get_or_create(name="standard")
    return plan.pk


class Silo(TenantMixin):
    """One customer company: its own PostgreSQL schema, reached only at its own host."""

    name = models.CharField(max_length=200)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="silos")
    is_template = models.BooleanField(default=False, help_text="The schema new silos are cloned from.")
    atp_horizon_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    atp_time_limit_ms = models.PositiveIntegerField(default=150, validators=[MinValueValidator(10)])
    catch_weight_tolerance_pct = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("10.00"), validators=[MinValueValidator(Decimal("0"))]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The schema is created by silos.services.silo_create (cloned from the template), not on save.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["schema_name"]

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def host(self) -> str:
        return f"{self.schema_name}.{settings.CASHSHEET_BASE_DOMAIN}"

    def __str__(self) -> str:
        return f"{self.name} ({self.schema_name})"


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]

    def save(self, *args, **kwargs):
        # Stored as requests are matched (cashsheet.api.middleware.normalise_host): lowercase, no final dot.
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)


slug_validator = RegexValidator(SLUG_RE, "A slug is 2-40 lowercase letters and digits, starting with a letter.")
