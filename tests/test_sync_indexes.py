"""Every list that syncs in commit order (`?updated_since=…&cursor=`) finds its rows through an index.

The commit position (a row's xmin) cannot be indexed in PostgreSQL, so the `updated_since` range is what an
index must serve: the query reads the rows since then, not the table. Planned with sequential scans
disabled, a table without a usable index still shows `Seq Scan on <table>`.
"""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

# StockBalance is the lock row every stock posting updates: an index on its updated_at would turn each of
# those updates from HOT into a write to every index, for a table of one row per facility and item.
UNINDEXED = {"/api/v2/stock-balances/": "inventory_stockbalance"}


def test_every_commit_order_sync_reads_its_table_through_an_index(api):
    schema = api.get("/api/v2/openapi.json").json()
    checked = []
    for path, operations in schema["paths"].items():
        names = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        if "{" in path or not {"updated_since", "cursor"} <= names or path in UNINDEXED:
            continue
        with CaptureQueriesContext(connection) as queries:
            response = api.get(path, {"updated_since": "2026-01-01T00:00:00Z", "cursor": ""})
        assert response.status_code == 200, (path, response.content)
        sync = [q["sql"] for q in queries.captured_queries if "_sync_position" in q["sql"]]
        assert sync, f"{path}: no commit-order query"
        table = re.search(r'FROM "(\w+)"', sync[-1]).group(1)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sync[-1])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET LOCAL enable_seqscan = on")
        assert f"Seq Scan on {table}" not in plan, f"{path}: no index serves updated_since\n{plan}"
        # The range itself is an index condition (events keep 30 days: their window is on created_at).
        assert re.search(r"Index Cond: .*\b(updated_at|created_at) >= '2026-01-01", plan), f"{path}\n{plan}"
        checked.append(path)
    assert len(checked) >= 20 and "/api/v2/customers/" in checked, checked
