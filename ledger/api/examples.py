"""OpenAPI request examples for the ledger endpoints."""

from drf_spectacular.utils import OpenApiExample

ACCOUNT = OpenApiExample(
    "Account", value={"code": "6150", "name": "Ammonia refrigeration service", "type": "expense", "parent": None},
    request_only=True,
)  # fmt: skip
PERIOD = OpenApiExample(
    "Period", value={"name": "2026-03", "start_date": "2026-03-01", "end_date": "2026-03-31"}, request_only=True
)
JOURNAL_ENTRY = OpenApiExample(
    "Accrue plant utilities",
    value={
        "entry_date": "2026-03-31",
        "memo": "March electricity, refrigeration",
        "lines": [
            {"account": 26, "debit": "4210.55", "memo": "Blythe plant", "facility": 1},
            {"account": 12, "credit": "4210.55", "memo": "Accrued"},
        ],
    },
    request_only=True,
)
INVOICE = OpenApiExample(
    "Invoice",
    value={
        "customer": 1,
        "invoice_date": "2026-03-14",
        "sales_order_id": None,
        "lines": [
            {"item": 3, "description": "112A Ribeye, lip-on", "quantity_lb": "2400.00", "price_per_lb": "14.2000"},
            {"description": "Freight", "amount": "185.00"},
        ],
    },
    request_only=True,
)
BILL = OpenApiExample(
    "Bill",
    value={
        "vendor": 1,
        "bill_date": "2026-03-10",
        "vendor_reference": "INV-88812",
        "lines": [{"item": 1, "description": "Choice carcasses", "quantity_lb": "18250.00", "price_per_lb": "3.1150"}],
    },
    request_only=True,
)
POST_STATUS = OpenApiExample("Post it", value={"status": "posted"}, request_only=True)
RECEIPT = OpenApiExample(
    "Receipt",
    value={
        "customer": 1, "date": "2026-04-10", "amount": "20000.00", "method": "ach", "reference": "ACH 55120",
        "applications": [{"invoice": 7, "amount": "19500.00"}],
    },
    request_only=True,
)  # fmt: skip
PAYMENT = OpenApiExample(
    "Payment",
    value={
        "vendor": 1, "date": "2026-04-09", "amount": "56848.75", "method": "wire", "reference": "W-3301",
        "applications": [{"bill": 4, "amount": "56848.75"}],
    },
    request_only=True,
)  # fmt: skip
