"""A request that loses the database (a restart, a failover) answers 503 with Retry-After, in the API's
JSON shape; any other unhandled error stays a 500. (bench/cluster.py restarts PostgreSQL under load.)"""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from cashsheet.api.views import handler500


def answer(exc: Exception):
    request = RequestFactory().get("/api/v2/customers/")
    try:
        raise exc
    except Exception:
        return handler500(request)


def test_lost_database_is_503_with_retry_after():
    response = answer(OperationalError("server closed the connection unexpectedly"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert json.loads(response.content)["code"] == "unavailable"


@pytest.mark.parametrize("exc", [RuntimeError("bug"), KeyError("x")])
def test_other_errors_stay_500(exc):
    response = answer(exc)
    assert response.status_code == 500 and json.loads(response.content)["code"] == "server_error"
