from django.db import models
from django.db.models.functions import Upper


class AccountType(models.TextChoices):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"


class NormalBalance(models.TextChoices):
    DEBIT = "debit"
    CREDIT = "credit"


# Assets and expenses grow with debits; the rest with credits.
DEFAULT_NORMAL_BALANCE = {
    AccountType.ASSET: NormalBalance.DEBIT,
    AccountType.EXPENSE: NormalBalance.DEBIT,
    AccountType.LIABILITY: NormalBalance.CREDIT,
    AccountType.EQUITY: NormalBalance.CREDIT,
    AccountType.REVENUE: NormalBalance.CREDIT,
}


class AccountRole(models.TextChoices):
    """The accounts the system itself posts to; at most one account per role."""

    CASH = "cash"
    ACCOUNTS_RECEIVABLE = "accounts_receivable"
    INVENTORY = "inventory"
    ACCOUNTS_PAYABLE = "accounts_payable"
    SALES_REVENUE = "sales_revenue"
    COST_OF_GOODS_SOLD = "cost_of_goods_sold"
    PROCESSING = "processing"
    SHRINK = "shrink"
    RETAINED_EARNINGS = "retained_earnings"
    FREIGHT = "freight"
    # Goods received not invoiced (GRNI): credited by goods receipts, cleared by the vendor's bill.
    PURCHASES_CLEARING = "purchases_clearing"
    # Perpetual inventory (operations posts these with every valued stock movement).
    INVENTORY_IN_TRANSIT = "inventory_in_transit"
    INVENTORY_ADJUSTMENT = "inventory_adjustment"
    PROCESSING_APPLIED = "processing_applied"
    ACCRUED_FREIGHT = "accrued_freight"
    PURCHASE_PRICE_VARIANCE = "purchase_price_variance"
    OPENING_BALANCE = "opening_balance"


# The accounts whose balance is the stock valuation (StockBalance values plus stock in transit), to the cent.
# Only stock postings move them: manual entries and bill lines may not.
INVENTORY_ROLES = (AccountRole.INVENTORY, AccountRole.INVENTORY_IN_TRANSIT)


class Account(models.Model):
    code = models.CharField(max_length=20, help_text="Unique in the silo, e.g. 1100.")
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=AccountType.choices)
    normal_balance = models.CharField(max_length=6, choices=NormalBalance.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    role = models.CharField(max_length=32, choices=AccountRole.choices, null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                name="%(app_label)s_%(class)s_code_unique",
                violation_error_message="An account with this code already exists.",
            ),
            models.UniqueConstraint(
                fields=["role"],
                condition=models.Q(role__isnull=False),
                name="%(app_label)s_%(class)s_role_unique",
                violation_error_message="Another account already has this role.",
            ),
            models.CheckConstraint(condition=~models.Q(code=""), name="%(app_label)s_%(class)s_code_not_blank"),
            models.CheckConstraint(
                condition=models.Q(type__in=AccountType.values), name="%(app_label)s_%(class)s_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(normal_balance__in=NormalBalance.values),
                name="%(app_label)s_%(class)s_normal_balance_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="%(app_label)s_%(class)s_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PeriodStatus(models.TextChoices):
    OPEN = "open"
    CLOSED = "closed"


class Period(models.Model):
    """An accounting period. Postings dated inside a closed period are refused."""

    name = models.CharField(max_length=40)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=6, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__lte=models.F("end_date")),
                name="%(app_label)s_%(class)s_dates_ordered",
            ),
            models.UniqueConstraint(fields=["name"], name="%(app_label)s_%(class)s_name_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=PeriodStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"], name="ledger_period_range_idx")]

    def __str__(self) -> str:
        return self.name


class Sequence(models.Model):
    """A per-silo counter (one row per document kind), locked FOR UPDATE while a number is taken.

    The increment commits or rolls back with the document that uses it, so numbers never skip or repeat.
    """

    name = models.CharField(max_length=40, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="%(app_label)s_%(class)s_value_nonnegative")
        ]
