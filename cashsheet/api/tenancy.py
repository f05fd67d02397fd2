"""The current silo, as django-tenants set it on the connection."""

from django.db import connection
from django_tenants.utils import get_public_schema_name, get_tenant_model


def current_silo():
    """The silo the connection is set to, or None in the public schema.

    `schema_context()` (management commands, tasks) sets a bare FakeTenant that carries only the
    schema name; the silo's settings (ATP horizon, tolerances) live on the real row, so it is loaded
    once and kept on the connection until the schema changes.
    """
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return None
    if isinstance(tenant, get_tenant_model()):
        return tenant
    cached = getattr(connection, "_cashsheet_silo", None)
    if cached is not None and cached.schema_name == tenant.schema_name:
        return cached
    silo = get_tenant_model().objects.filter(schema_name=tenant.schema_name).first()
    connection._cashsheet_silo = silo
    return silo
