"""Rebuild StockBalance and StockDay from StockMovement and report drift, per silo."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from inventory.services.rebuild import stock_rebuild
from silos.models import Silo


class Command(BaseCommand):
    help = (
        "Recompute stock balances and per-day closings from the movements; report and fix every row that "
        "drifted. --check only reports (exit status 1 on drift)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--silo", action="append", help="Silo slug (repeatable); default every silo.")
        parser.add_argument("--check", action="store_true", help="Report drift without fixing it.")
        parser.add_argument("--limit", type=int, default=50, help="Print at most this many drifted rows per silo.")

    def handle(self, *args, silo=None, check=False, limit=50, **options):
        silos = Silo.objects.exclude(schema_name="public")
        if silo:
            silos = silos.filter(schema_name__in=silo)
            missing = set(silo) - set(silos.values_list("schema_name", flat=True))
            if missing:
                raise CommandError(f"unknown silo(s): {', '.join(sorted(missing))}")
        total = 0
        for tenant in silos:
            connection.set_tenant(tenant)
            try:
                drifts = stock_rebuild(fix=not check)
            finally:
                connection.set_schema_to_public()
            total += len(drifts)
            verb = "found" if check else "fixed"
            self.stdout.write(f"{tenant.schema_name}: {len(drifts)} drifted row(s) {verb}")
            for drift in drifts[:limit]:
                self.stdout.write(f"  {drift}")
            if len(drifts) > limit:
                self.stdout.write(f"  ... and {len(drifts) - limit} more")
        if check and total:
            raise CommandError(f"{total} drifted row(s); run without --check to fix them")
