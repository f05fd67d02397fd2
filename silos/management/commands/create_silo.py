import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from silos.services import silo_create


class Command(BaseCommand):
    help = "Create a silo: its schema, domain, admin user and defaults."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="lowercase letters and digits, e.g. blythe")
        parser.add_argument("--name", required=True, help="display name, e.g. 'Blythe Meats'")
        parser.add_argument("--admin-password", default=None, help="password of the silo's user 'admin'")

    def handle(self, *args, slug, name, admin_password, **options):
        started = time.perf_counter()
        try:
            silo = silo_create(slug=slug, name=name, admin_password=admin_password)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(f"created silo {silo.schema_name} at {silo.host} in {time.perf_counter() - started:.2f} s")
