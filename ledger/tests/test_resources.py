"""The shared API matrix (cashsheet.testing.api.ResourceTests) for every ledger resource."""

import itertools
from datetime import date
from decimal import Decimal

import pytest

from cashsheet.testing import unique
from cashsheet.testing.api import ResourceTests
from ledger import services
from ledger.tests.factories import make_customer, make_vendor

_years = itertools.count(2101)
LINES = [{"description": "Freight", "amount": "185.00"}]


class TestAccounts(ResourceTests):
    url = "/api/v2/accounts/"
    model = "ledger.account"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, silo):
        return lambda: services.account_create(code=unique("A")[:20], name="Ammonia service", type="expense")

    @pytest.fixture
    def create_body(self):
        return {"code": unique("NA")[:20], "name": "New", "type": "expense"}

    @pytest.fixture
    def patch_body(self):
        return {"name": "Renamed"}

    def search_term(self, obj):
        return obj.code

    def filters(self, obj):
        return {"code": obj.code.lower(), "type": "expense", "active": "true"}


class TestPeriods(ResourceTests):
    url = "/api/v2/periods/"
    model = "ledger.period"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, silo):
        def _make():
            year = next(_years)
            return services.period_create(name=str(year), start_date=date(year, 1, 1), end_date=date(year, 12, 31))

        return _make

    @pytest.fixture
    def create_body(self):
        year = next(_years)
        return {"name": f"FY{year}", "start_date": f"{year}-01-01", "end_date": f"{year}-12-31"}

    def search_term(self, obj):
        return obj.name

    def filters(self, obj):
        return {"status": "open"}


class TestJournalEntries(ResourceTests):
    url = "/api/v2/journal-entries/"
    model = "ledger.journalentry"
    list_queries, detail_queries = 4, 3

    @pytest.fixture
    def make(self, account):
        expense, cash = account("6100"), account("1010")
        return lambda: services.journal_entry_post(
            entry_date=date(2026, 3, 31), memo=unique("Utilities "), source="manual",
            lines=[{"account": expense, "debit": Decimal("10.00")}, {"account": cash, "credit": Decimal("10.00")}],
        )  # fmt: skip

    @pytest.fixture
    def create_body(self, account):
        lines = [{"account": account("6100").pk, "debit": "5.00"}, {"account": account("1010").pk, "credit": "5.00"}]
        return {"entry_date": "2026-03-31", "memo": "Accrual", "lines": lines}

    def search_term(self, obj):
        return obj.memo

    def filters(self, obj):
        return {"source": "manual", "number": str(obj.number)}


class TestInvoices(ResourceTests):
    url = "/api/v2/invoices/"
    model = "ledger.invoice"
    list_queries, detail_queries = 4, 3

    @pytest.fixture
    def make(self, roles):
        customer = make_customer()
        return lambda: services.invoice_create(
            customer=customer, invoice_date=date(2026, 3, 2), lines=LINES, memo=unique("memo ")
        )

    @pytest.fixture
    def create_body(self, roles):
        return {"customer": make_customer().pk, "invoice_date": "2026-03-02", "lines": LINES}

    @pytest.fixture
    def patch_body(self):
        return {"memo": "Edited"}

    def search_term(self, obj):
        return obj.number

    def filters(self, obj):
        return {"status": "draft", "customer": str(obj.customer_id), "number": obj.number}


class TestBills(ResourceTests):
    url = "/api/v2/bills/"
    model = "ledger.bill"
    list_queries, detail_queries = 4, 3

    @pytest.fixture
    def make(self, roles, account):
        vendor, lines = make_vendor(), [{**LINES[0], "account": account("6100")}]
        return lambda: services.bill_create(vendor=vendor, bill_date=date(2026, 3, 2), lines=lines)

    @pytest.fixture
    def create_body(self, roles, account):
        lines = [{**LINES[0], "account": account("6100").pk}]
        return {"vendor": make_vendor().pk, "bill_date": "2026-03-02", "lines": lines}

    @pytest.fixture
    def patch_body(self):
        return {"memo": "Edited"}

    def search_term(self, obj):
        return obj.number

    def filters(self, obj):
        return {"status": "draft", "vendor": str(obj.vendor_id), "number": obj.number}


class TestReceipts(ResourceTests):
    url = "/api/v2/receipts/"
    model = "ledger.receipt"
    list_queries, detail_queries = 4, 3

    @pytest.fixture
    def make(self, roles):
        customer = make_customer()
        return lambda: services.receipt_create(
            customer=customer, date=date(2026, 3, 9), amount=Decimal("50.00"), method="ach",
            reference=unique("ACH "), applications=[],
        )  # fmt: skip

    @pytest.fixture
    def create_body(self, roles):
        return {"customer": make_customer().pk, "date": "2026-03-09", "amount": "20.00", "method": "wire"}

    def search_term(self, obj):
        return obj.reference

    def filters(self, obj):
        return {"customer": str(obj.customer_id), "method": "ach", "number": obj.number}


class TestPayments(ResourceTests):
    url = "/api/v2/payments/"
    model = "ledger.payment"
    list_queries, detail_queries = 4, 3

    @pytest.fixture
    def make(self, roles):
        vendor = make_vendor()
        return lambda: services.payment_create(
            vendor=vendor, date=date(2026, 3, 9), amount=Decimal("50.00"), method="ach",
            reference=unique("ACH "), applications=[],
        )  # fmt: skip

    @pytest.fixture
    def create_body(self, roles):
        return {"vendor": make_vendor().pk, "date": "2026-03-09", "amount": "20.00", "method": "wire"}

    def search_term(self, obj):
        return obj.reference

    def filters(self, obj):
        return {"vendor": str(obj.vendor_id), "method": "ach", "number": obj.number}
