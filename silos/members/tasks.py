"""Periodic housekeeping for the members app."""

from celery import shared_task
from django_tenants.utils import schema_context

from silos.members.services import idempotency_records_purge


@shared_task
def idempotency_records_purge_all() -> int:
    """Beat task (hourly): drop expired Idempotency-Key outcomes in every silo."""
    from silos.models import Silo

    total = 0
    for schema in Silo.objects.filter(is_template=False).values_list("schema_name", flat=True):
        with schema_context(schema):
            total += idempotency_records_purge()
    return total
