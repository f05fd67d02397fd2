"""Fixtures for the rate limiter and idempotency tests.

Every test gets its own Redis key prefix (other engineers share the Redis server) and its keys are
deleted afterwards; the limiter's outage memory and the silo cache are reset around each test.
"""

import uuid

import pytest
import redis

from cashsheet.api.middleware import SiloMiddleware
from cashsheet.api.ratelimit import reset_failure_state


@pytest.fixture(autouse=True)
def rl_prefix(settings):
    prefix = f"cs:rltest:{uuid.uuid4().hex[:10]}"
    url = settings.CASHSHEET_RATELIMIT_REDIS_URL  # a test may point the limiter elsewhere
    settings.CASHSHEET_RATELIMIT_KEY_PREFIX = prefix
    # The help page's numbers, whatever the environment raised them to for other suites.
    settings.CASHSHEET_RATELIMIT_PER_MINUTE = 1000
    settings.CASHSHEET_RATELIMIT_BURST = 100
    settings.CASHSHEET_RATELIMIT_ANON_PER_MINUTE = 300
    settings.CASHSHEET_RATELIMIT_ANON_BURST = 30
    settings.CASHSHEET_RATELIMIT_ENABLED = True
    reset_failure_state()
    SiloMiddleware.forget()
    yield prefix
    reset_failure_state()
    SiloMiddleware.forget()
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def limited_client(client_for, admin_user):
    """An API client whose token carries its own (small) limits: limited_client(per_minute=5, burst=100)."""
    from cashsheet.api.tokens import token_digest
    from silos.members.models import ApiToken
    from silos.members.services import token_set_rate_limit

    def _make(*, per_minute=None, burst=None, user=None):
        client = client_for(user or admin_user)
        token = ApiToken.objects.get(digest=token_digest(client.raw_token))
        client.token = token_set_rate_limit(token=token, per_minute=per_minute, burst=burst)
        return client

    return _make


@pytest.fixture(scope="module")
def rl_gunicorn(django_db_setup, django_db_blocker):
    """A real gunicorn with 2 worker processes on the test database.

    Not the root `live_server`: pytest-django's autouse `_live_server_helper` expects its own live_server
    object whenever a test requests a fixture of that name, and fails on the Gunicorn one.
    """
    from cashsheet.testing.patient import gunicorn_start_patiently
    from cashsheet.testing.servers import Gunicorn

    with django_db_blocker.unblock():
        server = gunicorn_start_patiently(Gunicorn(workers=2))
    yield server
    server.stop()


@pytest.fixture
def api_token(api):
    """The ApiToken behind the `api` client."""
    from cashsheet.api.tokens import token_digest
    from silos.members.models import ApiToken

    return ApiToken.objects.get(digest=token_digest(api.raw_token))
