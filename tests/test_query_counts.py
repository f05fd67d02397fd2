"""List endpoints run a fixed, small number of queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parties.models import Customer


@pytest.mark.parametrize("page_size", [25, 200])
def test_customer_list_query_count(api, silo, page_size):
    Customer.objects.bulk_create([Customer(code=f"Q{i}", name=f"Q {i}") for i in range(250)])
    api.get("/api/v2/customers/")  # first use writes last_used_at; measure the steady state
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/v2/customers/?page_size={page_size}")
    assert response.status_code == 200 and len(response.json()["results"]) == page_size
    assert len(queries) <= 5, "\n".join(q["sql"][:100] for q in queries)
