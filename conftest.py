"""Session-wide test silos and API clients.

One test database for the whole run (real PostgreSQL). Three silos are created once:
- `alpha`: the silo most tests use, each test inside a transaction rolled back at its end;
- `beta`: a second silo, for isolation tests;
- `live`: for tests that need committed data (real HTTP to gunicorn, concurrent connections). Its
  rows persist for the session, so those tests use unique codes.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from rest_framework.test import APIClient

from cashsheet.testing import unique

SILOS = {"alpha": "Alpha Meats", "beta": "Beta Packing", "live": "Live Provisions"}


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """Create the test database and the session silos.

    pytest-django's own fixture creates the database only when a selected test uses `db`; tests that
    use only `committed` (real processes, concurrency) need it just the same, so it is always created.
    """
    from django.test.utils import setup_databases, teardown_databases

    from silos.api_testing import ensure_silos

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
        ensure_silos(SILOS)
    yield
    with django_db_blocker.unblock():
        from django.db import connections

        connections.close_all()
        teardown_databases(db_cfg, verbosity=verbosity)


@pytest.fixture
def silo_alpha(db):
    from silos.models import Silo

    silo = Silo.objects.get(schema_name="alpha")
    connection.set_tenant(silo)
    yield silo
    connection.set_schema_to_public()


@pytest.fixture
def silo_beta(db):
    from silos.models import Silo

    return Silo.objects.get(schema_name="beta")


@pytest.fixture
def silo(silo_alpha):
    return silo_alpha


@pytest.fixture
def make_user(silo):
    """Create a user in the current silo with the given permission codenames ('app.codename')."""

    def _make(*perms: str, superuser: bool = False, username: str | None = None):
        user_model = get_user_model()
        user = user_model.objects.create_user(
            username=username or unique("user").lower(), password=None, is_superuser=superuser
        )
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return user

    return _make


@pytest.fixture
def client_for(silo):
    """An APIClient at the current silo's host, authenticated with a fresh Bearer token of `user`."""
    from silos.members.services import token_create

    def _client(user, *, host: str | None = None) -> APIClient:
        _, raw = token_create(user=user, name="test")
        client = APIClient(HTTP_HOST=host or connection.tenant.host)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        client.raw_token = raw
        return client

    return _client


@pytest.fixture
def admin_user(make_user):
    return make_user(superuser=True)


@pytest.fixture
def api(client_for, admin_user) -> APIClient:
    """A silo admin's API client at alpha's host: has every permission."""
    return client_for(admin_user)


# --- Committed data and real processes -------------------------------------------------------------


@pytest.fixture(scope="session")
def live_silo(django_db_setup, django_db_blocker):
    from silos.models import Silo

    with django_db_blocker.unblock():
        return Silo.objects.get(schema_name="live")


@pytest.fixture
def committed(live_silo, django_db_blocker):
    """Database access outside any test transaction, in the `live` silo: what it writes is committed."""
    with django_db_blocker.unblock():
        connection.set_tenant(live_silo)
        yield live_silo
        connection.set_schema_to_public()


@pytest.fixture(scope="session")
def live_admin_token(live_silo, django_db_blocker) -> str:
    """A committed Bearer token of the `live` silo's admin."""
    from django_tenants.utils import schema_context

    from silos.members.services import token_create

    with django_db_blocker.unblock(), schema_context("live"):
        admin = get_user_model().objects.get(username="admin")
        _, raw = token_create(user=admin, name="live-tests")
    return raw


@pytest.fixture(scope="session")
def http_server(django_db_setup, django_db_blocker):
    """A real gunicorn (2 workers) serving the test database. Use the silo's host in the Host header."""
    from cashsheet.testing.servers import Gunicorn

    with django_db_blocker.unblock():
        server = Gunicorn(workers=2).start()
    yield server
    server.stop()


@pytest.fixture
def live_http(http_server, live_silo, live_admin_token):
    """A requests.Session aimed at the live server as the `live` silo's admin: call .get("/api/v2/...")."""
    import requests

    class Session(requests.Session):
        def request(self, method, url, *args, **kwargs):
            if url.startswith("/"):
                url = http_server.url + url
            return super().request(method, url, *args, **kwargs)

    session = Session()
    session.headers.update({"Host": live_silo.host, "Authorization": f"Bearer {live_admin_token}"})
    yield session
    session.close()
