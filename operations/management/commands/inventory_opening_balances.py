"""Bring every silo's (or one silo's) inventory accounts to its stock valuation with one opening entry."""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from operations.services.opening import inventory_opening_post
from silos.models import Silo


class Command(BaseCommand):
    help = "Post the opening perpetual-inventory entry (stock valuation minus inventory accounts) where one is due."

    def add_arguments(self, parser):
        parser.add_argument("--silo", help="one silo's slug (default: every silo)")
        parser.add_argument("--date", help="entry date YYYY-MM-DD (default: today)")

    def handle(self, *args, silo=None, date=None, **options):
        from datetime import date as Date

        on = Date.fromisoformat(date) if date else None
        silos = Silo.objects.exclude(schema_name="public")
        if silo:
            silos = silos.filter(schema_name=silo)
        for row in silos.order_by("schema_name"):
            with schema_context(row.schema_name):
                entry = inventory_opening_post(entry_date=on)
            shown = f"entry {entry.number} ({entry.lines.count()} lines)" if entry else "nothing to post"
            self.stdout.write(f"{row.schema_name}: {shown}")
