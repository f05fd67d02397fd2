"""Writes for the silo registry: creating a silo is a schema clone plus its defaults, in seconds."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists

from silos.clone import schema_clone
from silos.models import RESERVED_SLUGS, SLUG_RE, Domain, Plan, Silo

logger = logging.getLogger(__name__)
TEMPLATE_SCHEMA = settings.TENANT_BASE_SCHEMA


def silo_hook_configs(hook: str) -> list:
    """App configs that define `hook` (silo_initialize or demo_seed), in their `<hook>_order`."""
    from django.apps import apps

    found = [c for c in apps.get_app_configs() if callable(getattr(c, hook, None))]
    return sorted(found, key=lambda c: (getattr(c, f"{hook}_order", 100), c.label))


def demo_seed_steps() -> list[tuple[int, str, object]]:
    """Every app's demo seeding steps as (order, label, callable(silo)), in order.

    An AppConfig contributes ``demo_seed`` (at ``demo_seed_order``) or, for several steps at different
    points of the sequence, ``demo_steps()`` returning [(order, label, callable)].
    """
    from django.apps import apps

    steps = []
    for config in apps.get_app_configs():
        if callable(getattr(config, "demo_steps", None)):
            steps.extend(config.demo_steps())
        elif callable(getattr(config, "demo_seed", None)):
            steps.append((getattr(config, "demo_seed_order", 100), config.label, config.demo_seed))
    return sorted(steps, key=lambda step: (step[0], step[1]))


_template_checked_in_process = False


def silo_template_ensure(*, verbosity: int = 0, force: bool = False) -> None:
    """Create and migrate the template schema that new silos are cloned from.

    The template is not a silo (no domain, no row), so `migrate_schemas` alone would leave it behind
    a new migration; this brings it up to date. Migrations change only with the code, so a process
    checks once (a full `migrate` run, ~0.3 s: a third of each silo creation when it ran every time)
    and afterwards only that the schema still exists; `force` checks again.
    """
    global _template_checked_in_process
    exists = schema_exists(TEMPLATE_SCHEMA)
    if exists and _template_checked_in_process and not force:
        return
    if not exists:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{TEMPLATE_SCHEMA}"')
    call_command("migrate_schemas", schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()
    _template_checked_in_process = True


def _validate_slug(slug: str) -> None:
    if not SLUG_RE.match(slug):
        raise ValidationError({"slug": "A slug is 2-40 lowercase letters and digits, starting with a letter."})
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"'{slug}' is reserved."})
    if Silo.objects.filter(schema_name=slug).exists():
        raise ValidationError({"slug": f"A silo '{slug}' already exists."})


def silo_create(*, slug: str, name: str, admin_password: str | None = None, plan: Plan | None = None) -> Silo:
    """Create a silo: schema (cloned from the migrated template), domain, user `admin`, defaults.

    Each app installs its own defaults through its AppConfig's ``silo_initialize(silo)`` (called
    inside the new schema, in ``silo_initialize_order``), so this module never imports a domain app.
    """
    started = time.perf_counter()
    slug = slug.strip().lower()
    _validate_slug(slug)
    silo_template_ensure()
    with transaction.atomic():
        plan = plan or Plan.objects.get_or_create(name="standard")[0]
        silo = Silo.objects.create(schema_name=slug, name=name, plan=plan)
        Domain.objects.create(tenant=silo, domain=silo.host, is_primary=True)
    try:
        # The template's migrations rows are copied with it, so the clone needs no `migrate --fake`.
        if not schema_clone(template=TEMPLATE_SCHEMA, schema=slug):
            silo.create_schema(check_if_exists=True, verbosity=0)
        with schema_context(slug):
            from django.contrib.auth import get_user_model

            user_model = get_user_model()
            admin = user_model.objects.create_superuser(
                username="admin", email=f"admin@{silo.host}", password=admin_password
            )
            if admin_password is None:
                admin.set_unusable_password()
                admin.save(update_fields=["password"])
            for config in silo_hook_configs("silo_initialize"):
                config.silo_initialize(silo)
    except Exception:
        # A half-made silo is worse than none: drop the schema and the registry rows.
        logger.exception("creating silo %s failed; rolling back", slug)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE')
        connection.set_schema_to_public()
        Domain.objects.filter(tenant=silo).delete()
        Silo.objects.filter(pk=silo.pk).delete()
        raise
    connection.set_schema_to_public()
    logger.info("created silo %s in %.2f s", slug, time.perf_counter() - started)
    return silo


def silo_delete(*, silo: Silo) -> None:
    """Drop a silo and everything in it. Irreversible; for tests and platform administration."""
    slug = silo.schema_name
    connection.set_schema_to_public()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Deferred constraint checks queued earlier in this transaction would block DROP SCHEMA.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Domain.objects.filter(tenant=silo).delete()
        Silo.objects.filter(pk=silo.pk).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE')


# --- Rate-limit plans (platform administration; see docs/ratelimit.md) ---------------------------


def _positive(value: int | None, field: str) -> None:
    if value is not None and value <= 0:
        raise ValidationError({field: "Must be a positive whole number."})


@transaction.atomic
def plan_set_limits(*, name: str, per_minute: int | None = None, burst: int | None = None) -> Plan:
    """Create or change a plan's limits; unspecified numbers keep their value (or the defaults)."""
    _positive(per_minute, "requests_per_minute")
    _positive(burst, "burst_per_second")
    plan, _ = Plan.objects.select_for_update().get_or_create(name=name.strip())
    if per_minute is not None:
        plan.requests_per_minute = per_minute
    if burst is not None:
        plan.burst_per_second = burst
    plan.save()
    return plan


@transaction.atomic
def silo_set_plan(*, silo: Silo, plan: Plan) -> Silo:
    """Put a silo on a plan. Web processes pick it up within CASHSHEET_SILO_CACHE_SECONDS."""
    Silo.objects.filter(pk=silo.pk).update(plan=plan)
    silo.plan = plan
    return silo
