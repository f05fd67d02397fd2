"""Ledger serializers: validate shape and render; services do every write. Decimals render as strings."""

from decimal import Decimal

from rest_framework import serializers

from cashsheet.api.serializers import ResourceSerializer, SplitChoiceField, StrictFieldsMixin
from ledger.models import (
    Account,
    Bill,
    BillLine,
    DocumentStatus,
    EntrySource,
    Invoice,
    InvoiceLine,
    JournalEntry,
    JournalLine,
    Payment,
    PaymentApplication,
    Period,
    Receipt,
    ReceiptApplication,
)
from ledger.payloads import bill_payload, invoice_payload
from parties.selectors import customer_list, vendor_list

POSITIVE = Decimal("0.01")
BIGINT = 2**63 - 1


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class AccountSerializer(ResourceSerializer):
    normal_balance = serializers.ChoiceField(choices=Account._meta.get_field("normal_balance").choices, required=False)
    role = serializers.ChoiceField(
        choices=Account._meta.get_field("role").choices, required=False, allow_null=True, allow_blank=True
    )

    class Meta:
        model = Account
        fields = [
            "id",
            "code",
            "name",
            "type",
            "normal_balance",
            "parent",
            "role",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list = []

    def validate_code(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("May not be blank.")
        return value

    def validate_role(self, value):
        return value or None


class PeriodSerializer(ResourceSerializer):
    class Meta:
        model = Period
        fields = ["id", "name", "start_date", "end_date", "status", "closed_at", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "closed_at", "created_at", "updated_at"]
        validators: list = []


class JournalLineSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """Exactly one of debit/credit; the other side renders as null."""

    debit = _money(min_value=POSITIVE, required=False, allow_null=True)
    credit = _money(min_value=POSITIVE, required=False, allow_null=True)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    customer = serializers.IntegerField(
        source="customer_id", required=False, allow_null=True, min_value=1, max_value=BIGINT
    )
    vendor = serializers.IntegerField(
        source="vendor_id", required=False, allow_null=True, min_value=1, max_value=BIGINT
    )
    facility = serializers.IntegerField(
        source="facility_id", required=False, allow_null=True, min_value=1, max_value=BIGINT
    )

    class Meta:
        model = JournalLine
        fields = ["id", "account", "debit", "credit", "memo", "customer", "vendor", "facility"]
        read_only_fields = ["id"]

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if (value.get("debit") is None) == (value.get("credit") is None):
            raise serializers.ValidationError({"debit": ["Give exactly one of debit or credit."]})
        return value

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for side in ("debit", "credit"):
            if getattr(instance, side) == 0:
                data[side] = None
        return data


class JournalEntrySerializer(ResourceSerializer):
    lines = JournalLineSerializer(many=True)
    source = SplitChoiceField(
        choices=[EntrySource.MANUAL, EntrySource.ADJUSTMENT], default=EntrySource.MANUAL,
        response_choices=EntrySource.values,
        help_text="manual or adjustment when posted through the API; documents post their own entries.",
    )  # fmt: skip
    reversed_by = serializers.SerializerMethodField()
    total_debit = serializers.SerializerMethodField()
    total_credit = serializers.SerializerMethodField()

    class Meta:
        model = JournalEntry
        fields = [
            "id", "number", "entry_date", "memo", "source", "source_id", "reverses", "reversed_by", "lines",
            "total_debit", "total_credit", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "number", "source_id", "reverses", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["source"] = instance.source  # documents' entries render their real source
        return data

    def get_reversed_by(self, obj) -> int | None:
        reversal = getattr(obj, "reversed_by", None)
        return reversal.pk if reversal else None

    def _total(self, obj, side) -> str:
        return f"{sum((getattr(line, side) for line in obj.lines.all()), Decimal('0.00')):.2f}"

    def get_total_debit(self, obj) -> str:
        return self._total(obj, "debit")

    def get_total_credit(self, obj) -> str:
        return self._total(obj, "credit")


class ReverseSerializer(serializers.Serializer):
    entry_date = serializers.DateField(required=False, help_text="Default: the later of the entry's date and today.")
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True)


# --- Invoices and bills ---------------------------------------------------------------------------------


class _DocumentLineSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    quantity_lb = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=POSITIVE, required=False,
                                           allow_null=True)  # fmt: skip
    price_per_lb = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=Decimal(0), required=False,
                                            allow_null=True)  # fmt: skip
    amount = _money(min_value=POSITIVE, required=False, allow_null=True)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return {k: v for k, v in value.items() if v is not None}


class InvoiceLineSerializer(_DocumentLineSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["id", "item", "description", "quantity_lb", "price_per_lb", "amount", "account"]
        read_only_fields = ["id"]
        extra_kwargs = {"account": {"required": False, "help_text": "A revenue account; default sales_revenue."}}


class BillLineSerializer(_DocumentLineSerializer):
    class Meta:
        model = BillLine
        fields = ["id", "item", "description", "quantity_lb", "price_per_lb", "amount", "account", "receipt",
                  "receipt_value"]  # fmt: skip
        read_only_fields = ["id", "receipt_value"]
        extra_kwargs = {
            "account": {"required": False, "help_text": "Expense or inventory; item lines default to inventory."}
        }


DOCUMENT_READ_ONLY = [
    "id", "number", "total", "amount_paid", "balance_due", "journal_entry", "void_entry", "posted_at", "created_at",
    "updated_at",
]  # fmt: skip


class _DocumentSerializer(ResourceSerializer):
    status = serializers.ChoiceField(
        choices=DocumentStatus.choices, required=False,
        help_text="On POST: draft (default) or posted. On PATCH: posted or void (the allowed next states).",
    )  # fmt: skip
    total = _money(read_only=True)
    amount_paid = _money(read_only=True)
    balance_due = _money(read_only=True)


class InvoiceSerializer(_DocumentSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=customer_list())
    lines = InvoiceLineSerializer(many=True)
    due_date = serializers.DateField(required=False, help_text="Default: invoice_date + the customer's terms.")
    sales_order_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=BIGINT)

    class Meta:
        model = Invoice
        fields = [
            "id", "number", "customer", "invoice_date", "due_date", "sales_order_id", "memo", "lines", "total",
            "amount_paid", "balance_due", "status", "journal_entry", "void_entry", "posted_at", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = DOCUMENT_READ_ONLY
        validators: list = []

    def to_representation(self, instance):
        return invoice_payload(instance)  # one shape for GET and the invoice.* events (ledger/payloads.py)


class BillSerializer(_DocumentSerializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=vendor_list())
    lines = BillLineSerializer(many=True)
    due_date = serializers.DateField(required=False, help_text="Default: bill_date + the vendor's terms.")

    class Meta:
        model = Bill
        fields = [
            "id", "number", "vendor", "vendor_reference", "bill_date", "due_date", "memo", "lines", "total",
            "amount_paid", "balance_due", "status", "journal_entry", "void_entry", "posted_at", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = DOCUMENT_READ_ONLY
        validators: list = []

    def to_representation(self, instance):
        return bill_payload(instance)  # one shape for GET and the bill.* events (ledger/payloads.py)


# --- Receipts and payments ------------------------------------------------------------------------------


class ReceiptApplicationSerializer(serializers.ModelSerializer):
    amount = _money(min_value=POSITIVE)

    class Meta:
        model = ReceiptApplication
        fields = ["invoice", "amount"]


class PaymentApplicationSerializer(serializers.ModelSerializer):
    amount = _money(min_value=POSITIVE)

    class Meta:
        model = PaymentApplication
        fields = ["bill", "amount"]


CASH_FIELDS = ["id", "number", "date", "amount", "method", "reference", "memo", "applications", "applied_amount",
               "unapplied_amount", "journal_entry", "created_at", "updated_at"]  # fmt: skip
CASH_READ_ONLY = ["id", "number", "applied_amount", "unapplied_amount", "journal_entry", "created_at", "updated_at"]


class ReceiptSerializer(ResourceSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=customer_list())
    amount = _money(min_value=POSITIVE)
    applied_amount = _money(read_only=True)
    unapplied_amount = _money(read_only=True, help_text="Credit left on the customer's account.")
    applications = ReceiptApplicationSerializer(many=True, required=False)

    class Meta:
        model = Receipt
        fields = ["id", "number", "customer", *CASH_FIELDS[2:]]
        read_only_fields = CASH_READ_ONLY
        validators: list = []


class PaymentSerializer(ResourceSerializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=vendor_list())
    amount = _money(min_value=POSITIVE)
    applied_amount = _money(read_only=True)
    unapplied_amount = _money(read_only=True, help_text="Credit left with the vendor.")
    applications = PaymentApplicationSerializer(many=True, required=False)

    class Meta:
        model = Payment
        fields = ["id", "number", "vendor", *CASH_FIELDS[2:]]
        read_only_fields = CASH_READ_ONLY
        validators: list = []
