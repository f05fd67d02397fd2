"""Create (or reuse) the demo silo and fill it with deterministic demo data."""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from silos.models import Silo
from silos.services import demo_seed_steps, silo_create


class Command(BaseCommand):
    help = "Create the demo silo (default 'blythe') with demo data. Re-running reuses what exists."

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="blythe")
        parser.add_argument("--name", default="Blythe Meats")
        parser.add_argument("--admin-password", default="blythe-demo")

    def handle(self, *args, slug, name, admin_password, **options):
        silo = Silo.objects.filter(schema_name=slug).first()
        if silo is None:
            silo = silo_create(slug=slug, name=name, admin_password=admin_password)
            self.stdout.write(f"created silo {slug} at {silo.host}")
        else:
            self.stdout.write(f"reusing silo {slug} at {silo.host}")
        with schema_context(slug):
            # Each app seeds its own data through its AppConfig (demo_seed or demo_steps), in order
            # (master data before documents). Seeders are idempotent: they create what is missing.
            for _, label, seed in demo_seed_steps():
                self.stdout.write(f"  {label}: {seed(silo)}")
