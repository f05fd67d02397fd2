"""Sales: customers (counterparties other apps point at as "sales.Customer") and, later, orders."""

from decimal import Decimal

from django.db import models
from django.db.models.functions import Upper

from cashsheet.api.fields import MoneyField


class Customer(models.Model):
    code = models.CharField(max_length=32, help_text="Your code for the customer, unique in the silo.")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    credit_limit = MoneyField(default=Decimal("0.00"))
    tax_id = models.CharField(max_length=40, blank=True, default="")
    external_ref = models.CharField(max_length=100, null=True, blank=True, help_text="The CRM's id; unique when set.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                name="%(app_label)s_%(class)s_code_unique",
                violation_error_message="A customer with this code already exists.",
            ),
            models.UniqueConstraint(
                fields=["external_ref"],
                name="%(app_label)s_%(class)s_external_ref_unique",
                condition=models.Q(external_ref__isnull=False),
                violation_error_message="A customer with this external_ref already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_limit__gte=0), name="%(app_label)s_%(class)s_credit_limit_nonnegative"
            ),
            models.CheckConstraint(condition=~models.Q(code=""), name="%(app_label)s_%(class)s_code_not_blank"),
        ]
        indexes = [
            models.Index(fields=["name"], name="sales_customer_name_idx"),
            models.Index(fields=["active", "-created_at"], name="sales_customer_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
