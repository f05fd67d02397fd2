"""The shared API matrix (cashsheet.testing.api.ResourceTests) for API tokens."""

import pytest

from cashsheet.testing import unique
from cashsheet.testing.api import ResourceTests
from silos.members.services import token_create


class TestTokens(ResourceTests):
    url = "/api/v2/tokens/"
    model = "members.apitoken"
    permissions = False  # every signed-in user manages their own tokens (a silo admin sees all)
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, admin_user):
        return lambda: token_create(user=admin_user, name=unique("crm-sync-"))[0]

    @pytest.fixture
    def create_body(self):
        return {"name": "bi-tool"}

    def search_term(self, obj):
        return obj.name

    def filters(self, obj):
        return {"name": obj.name}
