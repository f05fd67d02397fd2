"""Two silos side by side: nothing of one is visible or usable at the other's host."""

from django.db import connection
from rest_framework.test import APIClient

from parties.services import customer_create
from silos.members.services import token_create


def _admin_client(silo):
    from django.contrib.auth import get_user_model

    connection.set_tenant(silo)
    admin = get_user_model().objects.get(username="admin")
    _, raw = token_create(user=admin, name="iso")
    client = APIClient(HTTP_HOST=silo.host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client, raw


def test_token_of_one_silo_is_401_at_the_other(silo_alpha, silo_beta):
    _, alpha_raw = _admin_client(silo_alpha)
    other = APIClient(HTTP_HOST=silo_beta.host)
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {alpha_raw}")
    response = other.get("/api/v2/customers/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_ids_search_and_filters_never_reveal_the_other_silos_rows(silo_alpha, silo_beta):
    alpha, _ = _admin_client(silo_alpha)
    connection.set_tenant(silo_alpha)
    secret = customer_create(code="SECRETCO", name="Alpha Secret Customer", external_ref="alpha-crm-1")
    beta, _ = _admin_client(silo_beta)
    connection.set_tenant(silo_beta)
    customer_create(code="BETAONLY", name="Beta Customer")

    # Ids are per silo: the same number at beta's host is beta's own row or nothing, never alpha's.
    same_id = beta.get(f"/api/v2/customers/{secret.pk}/")
    assert same_id.status_code == 404 or same_id.json()["code"] != "SECRETCO"
    for query in ("?search=Secret", "?search=SECRETCO", "?external_ref=alpha-crm-1", "?code=SECRETCO"):
        assert beta.get(f"/api/v2/customers/{query}").json()["count"] == 0, query
    codes = {c["code"] for c in beta.get("/api/v2/customers/?page_size=200").json()["results"]}
    assert "SECRETCO" not in codes and "BETAONLY" in codes
    connection.set_tenant(silo_alpha)
    assert alpha.get("/api/v2/customers/?search=Secret").json()["count"] == 1
    assert alpha.get("/api/v2/customers/?search=BETAONLY").json()["count"] == 0


def test_same_id_in_two_silos_returns_each_silos_own_row(silo_alpha, silo_beta):
    alpha, _ = _admin_client(silo_alpha)
    connection.set_tenant(silo_alpha)
    a = customer_create(code="SAMEID-A", name="Alpha row")
    beta, _ = _admin_client(silo_beta)
    connection.set_tenant(silo_beta)
    b = customer_create(code="SAMEID-B", name="Beta row")
    connection.set_tenant(silo_alpha)
    assert alpha.get(f"/api/v2/customers/{a.pk}/").json()["name"] == "Alpha row"
    got = beta.get(f"/api/v2/customers/{b.pk}/").json()
    assert got["name"] == "Beta row"


def test_public_and_unknown_hosts_have_no_api(silo_alpha):
    _, raw = _admin_client(silo_alpha)
    for host in ("localhost", "nosuchsilo.localhost", "127.0.0.1"):
        client = APIClient(HTTP_HOST=host)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for path in ("/api/v2/customers/", "/api/v2/", "/api/v1/customers/"):
            response = client.get(path)
            assert response.status_code == 404, (host, path)
            assert response["Content-Type"] == "application/json"
            assert response.json()["code"] == "not_found"


def test_template_schema_is_not_served(silo_alpha):
    from silos.models import Silo

    assert not Silo.objects.filter(schema_name="_template").exists()
    response = APIClient(HTTP_HOST="_template.localhost").get("/api/v2/")
    assert response.status_code in (400, 404)
