"""`make demo`'s seeding step, exactly as the Makefile runs it (a management command, schema_context)."""

from django.core.management import call_command
from django.db import connection

from inventory.models import Item, StockMovement
from ledger.models import Invoice
from parties.models import Customer
from sales.models import SalesOrder


def test_seed_demo_command_fills_every_domain_and_reruns_cleanly(silo, capsys):
    connection.set_schema_to_public()
    call_command("seed_demo", "--slug", "alpha")
    first = capsys.readouterr().out
    assert "reusing silo alpha" in first
    connection.set_tenant(silo)
    counts = (
        Customer.objects.count(),
        Item.objects.count(),
        StockMovement.objects.count(),
        Invoice.objects.count(),
        SalesOrder.objects.count(),
    )
    assert Item.objects.filter(imps_code="112A").exists() and counts[1] >= 25
    assert set(SalesOrder.objects.values_list("status", flat=True)) == {
        "draft",
        "confirmed",
        "shipped",
        "invoiced",
        "cancelled",
    }
    assert Invoice.objects.filter(status="posted").exists()

    connection.set_schema_to_public()
    call_command("seed_demo", "--slug", "alpha")
    connection.set_tenant(silo)
    assert (
        Customer.objects.count(),
        Item.objects.count(),
        StockMovement.objects.count(),
        Invoice.objects.count(),
        SalesOrder.objects.count(),
    ) == counts
