"""The current silo, as django-tenants set it on the connection."""

from django.db import connection
from django_tenants.utils import get_public_schema_name


def current_silo():
    """The tenant the connection is set to, or None in the public schema."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return None
    return tenant
