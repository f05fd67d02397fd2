"""Parties: who the silo trades with. Customers buy, vendors sell; both share the abstract Counterparty.

Other apps point here with string foreign keys ("parties.Customer", "parties.Vendor") and read through
parties.selectors; parties imports no other domain app.
"""

from decimal import Decimal

from django.db import models
from django.db.models.functions import Upper

from cashsheet.api.fields import MoneyField


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


class Customer(Counterparty):
    """Who buys: sales orders, invoices, receipts and journal lines point here."""

    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    credit_limit = MoneyField(default=Decimal("0.00"))
    min_shelf_life_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days of shelf life a lot must have left on arrival; null: no requirement."
    )

    class Meta(Counterparty.Meta):
        constraints = [
            *Counterparty.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(credit_limit__gte=0), name="%(app_label)s_%(class)s_credit_limit_nonnegative"
            ),
        ]
        indexes = [
            models.Index(fields=["name"], name="parties_customer_name_idx"),
            models.Index(fields=["active", "-created_at"], name="parties_customer_active_idx"),
        ]


class Vendor(Counterparty):
    """Who sells to the silo: bills, payments and (with lots) received stock point here."""

    contact_name = models.CharField(max_length=200, blank=True, default="")
    address = models.JSONField(default=dict, blank=True)

    class Meta(Counterparty.Meta):
        pass
