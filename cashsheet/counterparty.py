"""The abstract counterparty: what customers (sales) and vendors (inventory) share, invariants included."""

from django.db import models
from django.db.models.functions import Upper


class Counterparty(models.Model):
    code = models.CharField(max_length=32, help_text="Your code for the counterparty, unique in the silo.")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    tax_id = models.CharField(max_length=40, blank=True, default="")
    external_ref = models.CharField(
        max_length=100, null=True, blank=True, help_text="The CRM's or ERP's id; unique when set."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            # Codes are unique whatever their case: "acme" and "ACME" are the same counterparty.
            models.UniqueConstraint(
                Upper("code"),
                name="%(app_label)s_%(class)s_code_unique",
                violation_error_message="This code is already in use.",
            ),
            models.UniqueConstraint(
                fields=["external_ref"],
                name="%(app_label)s_%(class)s_external_ref_unique",
                condition=models.Q(external_ref__isnull=False),
                violation_error_message="This external_ref is already in use.",
            ),
            models.CheckConstraint(condition=~models.Q(code=""), name="%(app_label)s_%(class)s_code_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def counterparty_check_unique(
    model: type[Counterparty], *, code: str | None, external_ref: str | None, instance: Counterparty | None = None
) -> None:
    """Refuse a duplicate code (any case) or external_ref with a 409 naming the existing record."""
    from cashsheet.api.services import ensure_unique

    label = model._meta.verbose_name
    if code is not None:
        ensure_unique(model.objects.filter(code__iexact=code), field="code", value=code, label=label, exclude=instance)
    if external_ref is not None:
        ensure_unique(
            model.objects.filter(external_ref=external_ref),
            field="external_ref",
            value=external_ref,
            label=label,
            exclude=instance,
        )
