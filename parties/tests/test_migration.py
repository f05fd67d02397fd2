"""A silo migrated from before parties keeps every customer, vendor and grant, and every row pointing at them.

The schema is built at the last migrations before the move, filled through the historical models
(customers, vendors, a sales order, an invoice, a bill, a receipt, a payment, journal lines, a user
granted sales.view_customer), then migrated to the latest state and read through today's models.
"""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("sales", "0004_counterparty_base"),
    ("inventory", "0002_counterparty_base"),
    ("ledger", "0003_perpetual_inventory_accounts"),
]


def _seed(apps) -> dict:
    customer_model, vendor_model = apps.get_model("sales", "Customer"), apps.get_model("inventory", "Vendor")
    acme = customer_model.objects.create(code="ACME", name="Acme", credit_limit=Decimal("500.00"))
    customer_model.objects.create(code="OTHER", name="Other", external_ref="crm-2")
    sandhills = vendor_model.objects.create(code="SANDHILLS", name="Sandhills", address={"city": "Ord"})
    facility = apps.get_model("inventory", "Facility").objects.create(code="BLYTHE", name="Blythe")
    order = apps.get_model("sales", "SalesOrder").objects.create(
        number="SO-000001",
        customer=acme,
        facility=facility,
        order_date=date(2026, 3, 1),
        delivery_date=date(2026, 3, 2),
    )
    account = apps.get_model("ledger", "Account").objects.create(
        code="1010", name="Cash", type="asset", normal_balance="debit"
    )
    entry_model = apps.get_model("ledger", "JournalEntry")
    entries = [entry_model.objects.create(number=n, entry_date=date(2026, 3, 1)) for n in (1, 2)]
    line_model = apps.get_model("ledger", "JournalLine")
    line_model.objects.create(entry=entries[0], account=account, entry_date=date(2026, 3, 1), debit=1, customer=acme)
    line_model.objects.create(
        entry=entries[1], account=account, entry_date=date(2026, 3, 1), credit=1, vendor=sandhills
    )
    due = {"due_date": date(2026, 4, 1)}
    invoice = apps.get_model("ledger", "Invoice").objects.create(
        number="INV-000001", customer=acme, invoice_date=date(2026, 3, 1), sales_order_id=order.pk, **due
    )
    bill = apps.get_model("ledger", "Bill").objects.create(
        number="BILL-000001", vendor=sandhills, bill_date=date(2026, 3, 1), **due
    )
    cash = {"date": date(2026, 3, 3), "amount": Decimal("10.00"), "method": "ach"}
    receipt = apps.get_model("ledger", "Receipt").objects.create(
        number="RCT-000001", customer=acme, journal_entry=entries[0], **cash
    )
    payment = apps.get_model("ledger", "Payment").objects.create(
        number="PAY-000001", vendor=sandhills, journal_entry=entries[1], **cash
    )
    content_type = apps.get_model("contenttypes", "ContentType").objects.create(app_label="sales", model="customer")
    permission = apps.get_model("auth", "Permission").objects.create(
        content_type=content_type, codename="view_customer", name="Can view customer"
    )
    user = apps.get_model("auth", "User").objects.create(username="viewer")
    user.user_permissions.add(permission)
    return {
        "acme": acme.pk,
        "sandhills": sandhills.pk,
        "order": order.pk,
        "invoice": invoice.pk,
        "bill": bill.pk,
        "receipt": receipt.pk,
        "payment": payment.pk,
        "user": user.pk,
    }


@pytest.mark.slow
def test_silo_migrates_into_parties_without_losing_a_row(committed):
    from django.contrib.auth import get_user_model

    from ledger.models import Bill, Invoice, JournalLine, Payment, Receipt
    from parties.models import Customer, Vendor
    from parties.services import customer_create
    from sales.models import SalesOrder

    schema = f"migtest_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    try:
        connection.set_schema(schema)
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        ids = _seed(executor.loader.project_state(BEFORE).apps)

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        acme = Customer.objects.get(pk=ids["acme"])
        assert (acme.code, acme.credit_limit) == ("ACME", Decimal("500.00"))
        assert Customer.objects.count() == 2 and Vendor.objects.get(pk=ids["sandhills"]).address == {"city": "Ord"}
        assert SalesOrder.objects.get(pk=ids["order"]).customer == acme
        assert Invoice.objects.get(pk=ids["invoice"]).customer == acme
        assert Receipt.objects.get(pk=ids["receipt"]).customer == acme
        assert Bill.objects.get(pk=ids["bill"]).vendor.code == "SANDHILLS"
        assert Payment.objects.get(pk=ids["payment"]).vendor.code == "SANDHILLS"
        assert {(line.customer_id, line.vendor_id) for line in JournalLine.objects.all()} == {
            (ids["acme"], None),
            (None, ids["sandhills"]),
        }
        # The grant moved with the content type; the sequence carries on after the moved rows.
        assert get_user_model().objects.get(pk=ids["user"]).has_perm("parties.view_customer")
        assert customer_create(code="NEW", name="New").pk > ids["acme"]
        # The constraints kept working under their new names.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = 'parties_customer'", [schema]
            )
            assert {"parties_customer_code_unique", "parties_customer_external_ref_unique"} <= {
                row[0] for row in cursor.fetchall()
            }
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
