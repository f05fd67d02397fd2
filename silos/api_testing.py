"""Test and benchmark support that needs the silo registry (kept out of the production import path)."""

from django.db import connection

from silos.models import Silo
from silos.services import silo_create


def ensure_silos(silos: dict[str, str]) -> dict[str, Silo]:
    """Create the named silos if they do not exist yet (idempotent, committed)."""
    connection.set_schema_to_public()
    out = {}
    for slug, name in silos.items():
        out[slug] = Silo.objects.filter(schema_name=slug).first() or silo_create(slug=slug, name=name)
    connection.set_schema_to_public()
    return out
