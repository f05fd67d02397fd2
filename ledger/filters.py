import django_filters

from cashsheet.api.filters import ResourceFilterSet
from ledger.models import Account, Bill, Invoice, JournalEntry, Payment, Period, Receipt


class AccountFilterSet(ResourceFilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")

    class Meta:
        model = Account
        fields = ["type", "role", "active", "parent", "normal_balance", "code"]


class PeriodFilterSet(ResourceFilterSet):
    contains = django_filters.DateFilter(method="filter_contains", label="Periods containing this date.")

    class Meta:
        model = Period
        fields = ["status"]

    def filter_contains(self, queryset, name, value):
        return queryset.filter(start_date__lte=value, end_date__gte=value)


class JournalEntryFilterSet(ResourceFilterSet):
    entry_date_from = django_filters.DateFilter(field_name="entry_date", lookup_expr="gte")
    entry_date_to = django_filters.DateFilter(field_name="entry_date", lookup_expr="lte")
    account = django_filters.NumberFilter(method="filter_account", label="Entries with a line on this account.")

    class Meta:
        model = JournalEntry
        fields = ["source", "source_id", "number", "entry_date"]

    def filter_account(self, queryset, name, value):
        return queryset.filter(lines__account_id=value).distinct()


class _OpenItemFilterSet(ResourceFilterSet):
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lt")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    open = django_filters.BooleanFilter(method="filter_open", label="Posted or partially paid.")

    def filter_open(self, queryset, name, value):
        statuses = ["posted", "partially_paid"]
        return queryset.filter(status__in=statuses) if value else queryset.exclude(status__in=statuses)


class InvoiceFilterSet(_OpenItemFilterSet):
    invoice_date_from = django_filters.DateFilter(field_name="invoice_date", lookup_expr="gte")
    invoice_date_to = django_filters.DateFilter(field_name="invoice_date", lookup_expr="lte")

    class Meta:
        model = Invoice
        fields = ["status", "customer", "sales_order_id", "number"]


class BillFilterSet(_OpenItemFilterSet):
    bill_date_from = django_filters.DateFilter(field_name="bill_date", lookup_expr="gte")
    bill_date_to = django_filters.DateFilter(field_name="bill_date", lookup_expr="lte")

    class Meta:
        model = Bill
        fields = ["status", "vendor", "number"]


class _CashFilterSet(ResourceFilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    has_unapplied = django_filters.BooleanFilter(method="filter_unapplied", label="Has credit left to apply.")

    def filter_unapplied(self, queryset, name, value):
        return queryset.filter(unapplied_amount__gt=0) if value else queryset.filter(unapplied_amount=0)


class ReceiptFilterSet(_CashFilterSet):
    class Meta:
        model = Receipt
        fields = ["customer", "method", "number"]


class PaymentFilterSet(_CashFilterSet):
    class Meta:
        model = Payment
        fields = ["vendor", "method", "number"]
