"""Ledger resources: thin views over ledger.selectors (reads) and ledger.services (writes)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action

from cashsheet.api.viewsets import ResourceViewSet
from ledger import filters, selectors, services
from ledger.api import examples
from ledger.api.serializers import (
    AccountSerializer,
    BillSerializer,
    InvoiceSerializer,
    JournalEntrySerializer,
    PaymentSerializer,
    PeriodSerializer,
    ReceiptSerializer,
    ReverseSerializer,
)
from ledger.errors import InvalidInput
from ledger.models import DocumentStatus


def _tags(name, summary_list, **more):
    schemas = {
        "list": extend_schema(summary=summary_list, tags=[name]),
        "retrieve": extend_schema(summary=f"Read one of {name}", tags=[name]),
    }
    schemas.update({k: extend_schema(tags=[name], **v) for k, v in more.items()})
    return extend_schema_view(**schemas)


@_tags(
    "accounts", "List the chart of accounts",
    create={"summary": "Create an account", "examples": [examples.ACCOUNT]},
    partial_update={"summary": "Update an account",
                    "description": "The type of an account with postings is frozen (409)."},
    destroy={"summary": "Delete an unused account", "description": "An account with postings answers 409."},
)  # fmt: skip
class AccountViewSet(ResourceViewSet):
    serializer_class = AccountSerializer
    filterset_class = filters.AccountFilterSet
    search_fields = ["code", "name"]
    ordering = ["code"]
    ordering_fields = ["created_at", "updated_at", "id", "code", "name", "type"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.account_list()

    def create_service(self, data):
        return services.account_create(**data)

    def update_service(self, account, data):
        return services.account_update(account=account, **data)

    def destroy_service(self, account):
        services.account_delete(account=account)


@_tags(
    "periods", "List accounting periods",
    create={"summary": "Create a period", "examples": [examples.PERIOD],
            "description": "Periods may not overlap (409)."},
    close={"summary": "Close a period", "request": None, "description": "Postings dated in it are then refused (409)."},
    reopen={"summary": "Reopen a closed period", "request": None},
)  # fmt: skip
class PeriodViewSet(ResourceViewSet):
    serializer_class = PeriodSerializer
    filterset_class = filters.PeriodFilterSet
    search_fields = ["name"]
    ordering = ["-start_date"]
    ordering_fields = ["created_at", "updated_at", "id", "start_date", "name"]
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"close": ["ledger.change_period"], "reopen": ["ledger.change_period"]}

    def get_queryset(self):
        return selectors.period_list()

    def create_service(self, data):
        return services.period_create(**data)

    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        period = self.get_object()
        return self.write(lambda: services.period_close(period=period, actor=request.user))

    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        period = self.get_object()
        return self.write(lambda: services.period_reopen(period=period, actor=request.user))


@_tags(
    "journal-entries", "List journal entries",
    create={
        "summary": "Post a journal entry", "examples": [examples.JOURNAL_ENTRY],
        "description": "Debits must equal credits to the cent (400 with total_debit and total_credit); "
        "at least two lines; the entry date must be in an open period (409). Entries are immutable.",
    },
    reverse={
        "summary": "Reverse an entry", "request": ReverseSerializer, "responses": {201: JournalEntrySerializer},
        "description": "Posts the mirror entry. An entry is reversed once; document entries are reversed by voiding.",
    },
)  # fmt: skip
class JournalEntryViewSet(ResourceViewSet):
    serializer_class = JournalEntrySerializer
    filterset_class = filters.JournalEntryFilterSet
    search_fields = ["memo", "lines__memo"]
    ordering = ["-number"]
    ordering_fields = ["created_at", "updated_at", "id", "number", "entry_date"]
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"reverse": ["ledger.add_journalentry"]}

    def get_queryset(self):
        return selectors.journal_entry_list()

    def create_service(self, data):
        return services.journal_entry_post(
            entry_date=data["entry_date"],
            memo=data.get("memo", ""),
            source=data["source"],
            lines=[_line(line) for line in data["lines"]],
            actor=self.request.user,
        )

    @action(detail=True, methods=["post"])
    def reverse(self, request, *args, **kwargs):
        entry = self.get_object()
        body = self.validated(ReverseSerializer, data=request.data)
        return self.write(
            lambda: services.journal_entry_reverse(entry=entry, actor=request.user, **body),
            status=status.HTTP_201_CREATED,
        )


def _line(line: dict) -> dict:
    return {k: v for k, v in line.items() if v is not None}


class _DocumentViewSet(ResourceViewSet):
    """Invoices and bills: POST creates a draft (or posts it with status=posted); PATCH edits a draft or
    moves it to posted/void; anything else answers 409 naming the state and the allowed next ones."""

    search_fields = ["number", "memo", "lines__description"]
    ordering_fields = ["created_at", "updated_at", "id", "number", "due_date", "total", "balance_due"]


def _new_status(data: dict) -> str:
    wanted = data.pop("status", DocumentStatus.DRAFT)
    if wanted not in (DocumentStatus.DRAFT, DocumentStatus.POSTED):
        raise InvalidInput("A new document is draft or posted.", field="status")
    return wanted


DOC_DESCRIPTION = (
    'Draft {kind}s are editable. PATCH {{"status": "posted"}} posts the journal entry; {{"status": "void"}} '
    "voids a draft or a posted, unpaid {kind} (posting the reversing entry). Other changes answer 409 with "
    "`status` and `allowed`."
)


@_tags(
    "invoices", "List invoices",
    create={"summary": "Create an invoice", "examples": [examples.INVOICE]},
    partial_update={"summary": "Edit, post or void an invoice", "examples": [examples.POST_STATUS],
                    "description": DOC_DESCRIPTION.format(kind="invoice")},
)  # fmt: skip
class InvoiceViewSet(_DocumentViewSet):
    serializer_class = InvoiceSerializer
    filterset_class = filters.InvoiceFilterSet
    ordering_fields = [*_DocumentViewSet.ordering_fields, "invoice_date"]

    def get_queryset(self):
        return selectors.invoice_list()

    def create_service(self, data):
        wanted, actor = _new_status(data), self.request.user
        invoice = services.invoice_create(**data, actor=actor)
        return services.invoice_post(invoice=invoice, actor=actor) if wanted == DocumentStatus.POSTED else invoice

    def update_service(self, invoice, data):
        wanted, actor = data.pop("status", None), self.request.user
        if data:
            invoice = services.invoice_update(invoice=invoice, actor=actor, **data)
        if wanted is not None:
            invoice = services.invoice_transition(invoice=invoice, status=wanted, actor=actor)
        return invoice


@_tags(
    "bills", "List bills",
    create={"summary": "Create a bill", "examples": [examples.BILL]},
    partial_update={"summary": "Edit, post or void a bill", "examples": [examples.POST_STATUS],
                    "description": DOC_DESCRIPTION.format(kind="bill")},
)  # fmt: skip
class BillViewSet(_DocumentViewSet):
    serializer_class = BillSerializer
    filterset_class = filters.BillFilterSet
    search_fields = [*_DocumentViewSet.search_fields, "vendor_reference"]
    ordering_fields = [*_DocumentViewSet.ordering_fields, "bill_date"]

    def get_queryset(self):
        return selectors.bill_list()

    def create_service(self, data):
        wanted, actor = _new_status(data), self.request.user
        bill = services.bill_create(**data, actor=actor)
        return services.bill_post(bill=bill, actor=actor) if wanted == DocumentStatus.POSTED else bill

    def update_service(self, bill, data):
        wanted, actor = data.pop("status", None), self.request.user
        if data:
            bill = services.bill_update(bill=bill, actor=actor, **data)
        if wanted is not None:
            bill = services.bill_transition(bill=bill, status=wanted, actor=actor)
        return bill


class _CashViewSet(ResourceViewSet):
    http_method_names = ["get", "post", "head", "options"]
    search_fields = ["number", "reference", "memo"]
    ordering_fields = ["created_at", "updated_at", "id", "number", "date", "amount"]


@_tags(
    "receipts", "List customer receipts",
    create={"summary": "Record a receipt", "examples": [examples.RECEIPT],
            "description": "Debits cash, credits receivables, applies to the customer's open invoices; an "
            "unapplied remainder stays as customer credit. Over-application answers 400."},
)  # fmt: skip
class ReceiptViewSet(_CashViewSet):
    serializer_class = ReceiptSerializer
    filterset_class = filters.ReceiptFilterSet

    def get_queryset(self):
        return selectors.receipt_list()

    def create_service(self, data):
        applications = [{"invoice": a["invoice"], "amount": a["amount"]} for a in data.pop("applications", [])]
        return services.receipt_create(applications=applications, actor=self.request.user, **data)


@_tags(
    "payments", "List vendor payments",
    create={"summary": "Record a payment", "examples": [examples.PAYMENT],
            "description": "Debits payables, credits cash, applies to the vendor's open bills."},
)  # fmt: skip
class PaymentViewSet(_CashViewSet):
    serializer_class = PaymentSerializer
    filterset_class = filters.PaymentFilterSet

    def get_queryset(self):
        return selectors.payment_list()

    def create_service(self, data):
        applications = [{"bill": a["bill"], "amount": a["amount"]} for a in data.pop("applications", [])]
        return services.payment_create(applications=applications, actor=self.request.user, **data)
