"""The shared API matrix (cashsheet.testing.api.ResourceTests) for the reports registry."""

import pytest

from cashsheet.testing.api import ResourceTests


class TestReports(ResourceTests):
    url = "/api/v2/reports/"
    id_key, detail_id_key = "name", "report"
    # The index is open to any signed-in user; each report's own permission: ledger/tests/test_reports.py.
    permissions = False
    list_queries, detail_queries = 1, 3

    def key(self, obj):
        return obj

    @pytest.fixture
    def make(self, silo):
        return lambda: "trial-balance"
