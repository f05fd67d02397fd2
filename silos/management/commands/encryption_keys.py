"""Keys for secrets stored encrypted (CASHSHEET_ENCRYPTION_KEYS; see cashsheet/encryption.py).

encryption_keys --generate     print a new key to put first in CASHSHEET_ENCRYPTION_KEYS
encryption_keys --rotate       re-encrypt every stored value, in every silo, with the first key
encryption_keys --check        count values per key state; exit 1 if any is not under the first key
"""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, schema_context

from cashsheet import encryption
from silos.models import Silo


class Command(BaseCommand):
    help = "Generate an encryption key, re-encrypt stored secrets with the current key, or check them."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--generate", action="store_true")
        group.add_argument("--rotate", action="store_true")
        group.add_argument("--check", action="store_true")

    def handle(self, *args, generate, rotate, check, **options):
        if generate:
            self.stdout.write(encryption.key_generate())
            return
        totals: Counter[str] = Counter()
        schemas = [(get_public_schema_name(), False)] + [
            (s, True) for s in Silo.objects.exclude(schema_name=get_public_schema_name()).values_list(
                "schema_name", flat=True
            )
        ]  # fmt: skip
        for schema, tenant in schemas:
            with schema_context(schema):
                if rotate:
                    counts = encryption.reencrypt(tenant=tenant)
                else:
                    counts = self._check(tenant=tenant)
            totals.update(counts)
            if any(counts.values()):
                self.stdout.write(f"{schema}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        self.stdout.write("total: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
        if totals["undecryptable"]:
            raise CommandError(f"{totals['undecryptable']} values cannot be decrypted with any configured key")
        if check and totals["old_key"]:
            raise CommandError(f"{totals['old_key']} values are under an older key: run --rotate")

    def _check(self, *, tenant: bool) -> dict[str, int]:
        from django.db import connection

        counts = {"current": 0, "old_key": 0, "undecryptable": 0}
        for model, columns in encryption.encrypted_fields(tenant=tenant):
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                for column in columns:
                    cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table}")  # noqa: S608
                    for (value,) in cursor.fetchall():
                        if not value:
                            continue
                        if encryption.is_current(value):
                            counts["current"] += 1
                        elif isinstance(encryption.decrypt(value), encryption.UndecryptableValue):
                            counts["undecryptable"] += 1
                        else:
                            counts["old_key"] += 1
        return counts
