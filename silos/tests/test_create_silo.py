import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from silos.models import Domain, Silo
from silos.services import silo_delete


@pytest.mark.django_db(transaction=False)
def test_create_silo_command_makes_schema_domain_admin(django_db_blocker, capsys):
    # Schema creation is DDL outside the test transaction; clean up explicitly.
    try:
        call_command("create_silo", "gamma", "--name", "Gamma Foods")
        out = capsys.readouterr().out
        assert "created silo gamma at gamma.localhost" in out
        silo = Silo.objects.get(schema_name="gamma")
        assert silo.name == "Gamma Foods" and silo.plan.name == "standard"
        assert Domain.objects.get(tenant=silo).domain == "gamma.localhost"
        assert schema_exists("gamma")
        with schema_context("gamma"):
            admin = get_user_model().objects.get(username="admin")
            assert admin.is_superuser and not admin.has_usable_password()
    finally:
        connection.set_schema_to_public()
        for silo in Silo.objects.filter(schema_name="gamma"):
            silo_delete(silo=silo)


@pytest.mark.parametrize(
    ("slug", "message"),
    [("alpha", "already exists"), ("Bad-Slug", "lowercase"), ("public", "reserved"), ("x", "lowercase")],
)
def test_create_silo_refuses_bad_or_taken_slugs(db, slug, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_silo", slug, "--name", "Nope")
