"""Migrate the public schema, the silo template and every silo (in parallel)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from silos.services import silo_template_ensure


class Command(BaseCommand):
    help = "migrate_schemas --shared, then the template new silos are cloned from, then every silo in parallel."

    def add_arguments(self, parser):
        parser.add_argument(
            "--executor", default="multiprocessing", choices=["standard", "multiprocessing", "subprocess"]
        )

    def handle(self, *args, executor, **options):
        verbosity = options.get("verbosity", 1)
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        silo_template_ensure(verbosity=verbosity)
        call_command("migrate_schemas", tenant=True, executor=executor, interactive=False, verbosity=verbosity)
