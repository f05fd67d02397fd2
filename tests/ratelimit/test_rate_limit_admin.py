"""Platform administration of limits: the set_rate_limit command and the Django admin on the public host."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from silos.models import Plan

LIST = "/api/v2/customers/"


def test_command_sets_plan_silo_plan_and_token_override(api, api_token, silo_alpha):
    call_command("set_rate_limit", plan="gold", per_minute=5000, burst=300)
    call_command("set_rate_limit", silo="alpha", plan="gold")
    response = api.get(LIST)
    assert response["RateLimit-Policy"] == '"burst";q=300;w=1, "minute";q=5000;w=60'

    call_command("set_rate_limit", silo="alpha", token_prefix=api_token.prefix, per_minute=3, burst=50)
    assert [api.get(LIST).status_code for _ in range(3)] == [200, 200, 429]  # one of 3 already used
    assert api.get(LIST)["RateLimit-Policy"] == '"burst";q=50;w=1, "minute";q=3;w=60'

    call_command("set_rate_limit", silo="alpha", token_prefix=api_token.prefix, clear=True)
    assert api.get(LIST)["RateLimit-Policy"] == '"burst";q=300;w=1, "minute";q=5000;w=60'


@pytest.mark.parametrize(
    "options, message",
    [
        ({"plan": "gold", "per_minute": 0}, "requests_per_minute"),
        ({"silo": "nosuch", "plan": "standard"}, "no silo"),
        ({"silo": "alpha", "plan": "nosuch"}, "no plan"),
        ({"silo": "alpha", "token_prefix": "cs_nothing", "per_minute": 5}, "no token"),
        ({"silo": "alpha", "token_prefix": "cs_x", "burst": -1}, "no token"),
    ],
)
def test_command_refuses_bad_input_and_changes_nothing(silo_alpha, options, message):
    plans = list(Plan.objects.values_list("name", "requests_per_minute", "burst_per_second"))
    with pytest.raises(CommandError, match=message):
        call_command("set_rate_limit", **options)
    assert list(Plan.objects.values_list("name", "requests_per_minute", "burst_per_second")) == plans


def test_platform_admin_edits_a_plan_on_the_public_host(db):
    from django.contrib.auth import get_user_model

    connection.set_schema_to_public()
    admin = get_user_model().objects.create_superuser("platform", password=None)
    plan = Plan.objects.create(name="enterprise-admin", requests_per_minute=1000, burst_per_second=100)
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    assert client.get("/admin/silos/silo/").status_code == 200
    from silos.models import Silo

    alpha = Silo.objects.get(schema_name="alpha")
    page = client.get(f"/admin/silos/silo/{alpha.pk}/change/")
    assert page.status_code == 200 and b'name="plan"' in page.content
    response = client.post(
        f"/admin/silos/plan/{plan.pk}/change/",
        {"name": plan.name, "requests_per_minute": 5000, "burst_per_second": 300},
    )
    assert response.status_code == 302, response.content[:2000]
    plan.refresh_from_db()
    assert (plan.requests_per_minute, plan.burst_per_second) == (5000, 300)
