"""Celery tasks: thin wrappers that receive ids (never instances) and run in the silo's schema."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from webhooks import dispatch
from webhooks.services import DELIVER_TASK


@shared_task(name=DELIVER_TASK, ignore_result=True)
def deliver(delivery_ids: list[int]) -> dict[str, int]:
    """One attempt of these deliveries (and other due ones); runs in the schema the sender was set to."""
    return dispatch.deliveries_send(delivery_ids)


def _silo_schemas() -> list[str]:
    return list(
        get_tenant_model()
        .objects.exclude(schema_name=get_public_schema_name())
        .exclude(is_template=True)
        .values_list("schema_name", flat=True)
    )


@shared_task(name="webhooks.sweep", ignore_result=True)
def sweep() -> int:
    """Beat, every CASHSHEET_WEBHOOK_SWEEP_S: re-queue every silo's lost or due deliveries."""
    total = 0
    for schema in _silo_schemas():
        with schema_context(schema):
            total += dispatch.sweep_schema()
    return total


@shared_task(name="webhooks.purge", ignore_result=True)
def purge() -> int:
    """Beat, hourly: drop events older than 30 days."""
    total = 0
    for schema in _silo_schemas():
        with schema_context(schema):
            total += dispatch.purge_schema()
    return total
