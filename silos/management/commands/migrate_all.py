"""Migrate the public schema, the silo template and every silo (in parallel)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from silos.migrate import migrate_schemas
from silos.models import Silo
from silos.services import TEMPLATE_SCHEMA, silo_template_ensure


class Command(BaseCommand):
    help = "migrate_schemas --shared, then the template new silos are cloned from, then every silo in parallel."

    def add_arguments(self, parser):
        parser.add_argument(
            "--executor",
            default="silos",
            choices=["silos", "standard", "multiprocessing", "subprocess"],
            help="silos (default): one migration graph and state per process (silos/migrate.py); the others "
            "are django-tenants' executors, which run the whole migrate command once per schema.",
        )
        parser.add_argument(
            "--processes", type=int, default=getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)
        )

    def handle(self, *args, executor, processes, **options):
        verbosity = options.get("verbosity", 1)
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        if executor != "silos":
            silo_template_ensure(verbosity=verbosity, force=True)
            call_command("migrate_schemas", tenant=True, executor=executor, interactive=False, verbosity=verbosity)
            return
        silo_template_ensure(verbosity=verbosity, force=True)
        schemas = list(Silo.objects.exclude(schema_name=TEMPLATE_SCHEMA).values_list("schema_name", flat=True))
        schemas = [s for s in schemas if s != "public"]
        report = migrate_schemas(schemas, processes=processes, verbosity=max(0, verbosity - 1))
        self.stdout.write(
            f"silos: {len(report.migrated)} migrated ({report.applied} migrations), {len(report.current)} already "
            f"current, {len(report.failed)} failed, in {report.seconds:.1f} s"
        )
        if report.failed:
            for schema, error in sorted(report.failed.items()):
                self.stderr.write(f"  {schema}: {error}")
            raise CommandError(f"{len(report.failed)} silo(s) failed to migrate; the others are migrated.")
