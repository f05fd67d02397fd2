"""Ledger resources: thin views over ledger.selectors (reads) and ledger.services (writes)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

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

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.account_create(**serializer.validated_data)
        return Response(self.get_serializer(account).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        account = self.get_object()
        serializer = self.get_serializer(account, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        account = services.account_update(account=account, **serializer.validated_data)
        return Response(self.get_serializer(account).data)

    def destroy(self, request, *args, **kwargs):
        services.account_delete(account=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


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

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = services.period_create(**serializer.validated_data)
        return Response(self.get_serializer(period).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        period = services.period_close(period=self.get_object(), actor=request.user)
        return Response(self.get_serializer(period).data)

    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        period = services.period_reopen(period=self.get_object(), actor=request.user)
        return Response(self.get_serializer(period).data)


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

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            entry = services.journal_entry_post(
                entry_date=data["entry_date"],
                memo=data.get("memo", ""),
                source=data["source"],
                lines=[_line(line) for line in data["lines"]],
                actor=request.user,
            )
        return Response(self.get_serializer(selectors.journal_entry_list().get(pk=entry.pk)).data, status=201)

    @action(detail=True, methods=["post"])
    def reverse(self, request, *args, **kwargs):
        body = ReverseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            reversal = services.journal_entry_reverse(
                entry=self.get_object(), actor=request.user, **body.validated_data
            )
        return Response(self.get_serializer(selectors.journal_entry_list().get(pk=reversal.pk)).data, status=201)


def _line(line: dict) -> dict:
    return {k: v for k, v in line.items() if v is not None}


class _DocumentViewSet(ResourceViewSet):
    """Invoices and bills: POST creates a draft (or posts it with status=posted); PATCH edits a draft or
    moves it to posted/void; anything else answers 409 naming the state and the allowed next ones."""

    kind = ""
    party = ""
    date_field = ""
    search_fields = ["number", "memo", "lines__description"]
    ordering_fields = ["created_at", "updated_at", "id", "number", "due_date", "total", "balance_due"]

    def _services(self):
        return {
            "create": getattr(services, f"{self.kind}_create"),
            "update": getattr(services, f"{self.kind}_update"),
            "transition": getattr(services, f"{self.kind}_transition"),
        }

    def _read(self, doc):
        return self.get_serializer(self.get_queryset().get(pk=doc.pk)).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        wanted = data.pop("status", DocumentStatus.DRAFT)
        if wanted not in (DocumentStatus.DRAFT, DocumentStatus.POSTED):
            from ledger.errors import InvalidInput

            raise InvalidInput("A new document is draft or posted.", field="status")
        s = self._services()
        with transaction.atomic():
            doc = s["create"](
                **{self.party: data.pop(self.party), self.date_field: data.pop(self.date_field)},
                lines=data.pop("lines"),
                actor=request.user,
                **data,
            )
            if wanted == DocumentStatus.POSTED:
                doc = s["transition"](**{self.kind: doc}, status=wanted, actor=request.user)
        return Response(self._read(doc), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        doc = self.get_object()
        serializer = self.get_serializer(doc, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        wanted = data.pop("status", None)
        s = self._services()
        with transaction.atomic():
            if data:
                doc = s["update"](**{self.kind: doc}, actor=request.user, **data)
            if wanted is not None:
                doc = s["transition"](**{self.kind: doc}, status=wanted, actor=request.user)
        return Response(self._read(doc))


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
    kind, party, date_field = "invoice", "customer", "invoice_date"
    serializer_class = InvoiceSerializer
    filterset_class = filters.InvoiceFilterSet
    ordering_fields = [*_DocumentViewSet.ordering_fields, "invoice_date"]

    def get_queryset(self):
        return selectors.invoice_list()


@_tags(
    "bills", "List bills",
    create={"summary": "Create a bill", "examples": [examples.BILL]},
    partial_update={"summary": "Edit, post or void a bill", "examples": [examples.POST_STATUS],
                    "description": DOC_DESCRIPTION.format(kind="bill")},
)  # fmt: skip
class BillViewSet(_DocumentViewSet):
    kind, party, date_field = "bill", "vendor", "bill_date"
    serializer_class = BillSerializer
    filterset_class = filters.BillFilterSet
    search_fields = [*_DocumentViewSet.search_fields, "vendor_reference"]
    ordering_fields = [*_DocumentViewSet.ordering_fields, "bill_date"]

    def get_queryset(self):
        return selectors.bill_list()


class _CashViewSet(ResourceViewSet):
    kind = ""
    party = ""
    doc = ""
    http_method_names = ["get", "post", "head", "options"]
    search_fields = ["number", "reference", "memo"]
    ordering_fields = ["created_at", "updated_at", "id", "number", "date", "amount"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        applications = [{self.doc: a[self.doc], "amount": a["amount"]} for a in data.pop("applications", [])]
        with transaction.atomic():
            cash = getattr(services, f"{self.kind}_create")(applications=applications, actor=request.user, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=cash.pk)).data, status=status.HTTP_201_CREATED)


@_tags(
    "receipts", "List customer receipts",
    create={"summary": "Record a receipt", "examples": [examples.RECEIPT],
            "description": "Debits cash, credits receivables, applies to the customer's open invoices; an "
            "unapplied remainder stays as customer credit. Over-application answers 400."},
)  # fmt: skip
class ReceiptViewSet(_CashViewSet):
    kind, party, doc = "receipt", "customer", "invoice"
    serializer_class = ReceiptSerializer
    filterset_class = filters.ReceiptFilterSet

    def get_queryset(self):
        return selectors.receipt_list()


@_tags(
    "payments", "List vendor payments",
    create={"summary": "Record a payment", "examples": [examples.PAYMENT],
            "description": "Debits payables, credits cash, applies to the vendor's open bills."},
)  # fmt: skip
class PaymentViewSet(_CashViewSet):
    kind, party, doc = "payment", "vendor", "bill"
    serializer_class = PaymentSerializer
    filterset_class = filters.PaymentFilterSet

    def get_queryset(self):
        return selectors.payment_list()
