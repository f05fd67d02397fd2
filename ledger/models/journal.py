from django.conf import settings
from django.db import models

from cashsheet.api.fields import MoneyField


class EntrySource(models.TextChoices):
    MANUAL = "manual"
    INVOICE = "invoice"
    BILL = "bill"
    RECEIPT = "receipt"
    PAYMENT = "payment"
    SHIPMENT = "shipment"
    ADJUSTMENT = "adjustment"
    REVERSAL = "reversal"
    # Perpetual inventory, posted by operations with the stock movements they value.
    GOODS_RECEIPT = "goods_receipt"
    STOCK_ADJUSTMENT = "stock_adjustment"
    PRODUCTION = "production"
    TRANSFER = "transfer"


class JournalEntry(models.Model):
    """A balanced, immutable entry. Corrections are new entries (a reversal mirrors every line)."""

    number = models.BigIntegerField(help_text="Sequential per silo, without gaps.")
    entry_date = models.DateField(db_index=True)
    memo = models.CharField(max_length=500, blank=True, default="")
    source = models.CharField(max_length=20, choices=EntrySource.choices, default=EntrySource.MANUAL)
    source_id = models.BigIntegerField(null=True, blank=True, help_text="Id of the source document.")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-number"]
        verbose_name_plural = "journal entries"
        constraints = [
            models.UniqueConstraint(fields=["number"], name="%(app_label)s_%(class)s_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gt=0), name="%(app_label)s_%(class)s_number_positive"),
            models.CheckConstraint(
                condition=models.Q(source__in=EntrySource.values), name="%(app_label)s_%(class)s_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["source", "source_id"], name="ledger_je_source_idx")]

    def __str__(self) -> str:
        return f"JE {self.number}"


class JournalLine(models.Model):
    """One side of an entry: exactly one of debit/credit is positive, the other zero.

    `entry_date` repeats the entry's date (entries are immutable, so it never drifts) so that
    statements aggregate one table through a covering index.
    """

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="lines")
    entry_date = models.DateField()
    debit = MoneyField(default=0)
    credit = MoneyField(default=0)
    memo = models.CharField(max_length=500, blank=True, default="")
    customer = models.ForeignKey("parties.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey("parties.Vendor", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        "inventory.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(debit__gt=0) & models.Q(credit=0)) | (models.Q(credit__gt=0) & models.Q(debit=0)),
                name="%(app_label)s_%(class)s_one_side",
                violation_error_message="A line has exactly one of debit or credit, greater than zero.",
            ),
        ]
        indexes = [
            # Trial balance / balance sheet: index-only scans grouped by account up to a date.
            models.Index(
                fields=["account", "entry_date"], include=["debit", "credit"], name="ledger_line_acct_date_idx"
            ),
            models.Index(fields=["entry_date"], include=["account", "debit", "credit"], name="ledger_line_date_idx"),
        ]
