"""The shared API matrix (cashsheet.testing.api.ResourceTests) for endpoints, deliveries, events, event types."""

import pytest

from cashsheet.testing import unique
from cashsheet.testing.api import ResourceTests
from webhooks.models import DeliveryAttempt
from webhooks.services import endpoint_create, event_emit

PUBLIC_URL = "https://93.184.215.14/hooks/cashsheet"  # a public address literal: no DNS needed


class TestEndpoints(ResourceTests):
    url = "/api/v2/webhook-endpoints/"
    model = "webhooks.webhookendpoint"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, silo):
        return lambda: endpoint_create(url=PUBLIC_URL, events=["*"], description=unique("ERP "))

    @pytest.fixture
    def create_body(self):
        return {"url": PUBLIC_URL, "events": ["invoice.posted"]}

    @pytest.fixture
    def patch_body(self):
        return {"description": "Renamed"}

    def search_term(self, obj):
        return obj.description

    def filters(self, obj):
        return {"active": "true"}


class TestDeliveryAttempts(ResourceTests):
    model = "webhooks.deliveryattempt"
    list_queries, detail_queries = 5, 4

    @pytest.fixture
    def make(self, silo):
        endpoint = endpoint_create(url=PUBLIC_URL, events=["*"])
        self.url = f"/api/v2/webhook-endpoints/{endpoint.pk}/deliveries/"

        def _make():
            event = event_emit(event_type="ping", obj={"n": unique()})
            delivery = event.deliveries.get()
            return DeliveryAttempt.objects.create(
                delivery=delivery, endpoint=endpoint, event=event, attempt=1, succeeded=True, response_status=200,
                latency_ms=12,
            )  # fmt: skip

        return _make

    def search_term(self, obj):
        return obj.event_id

    def filters(self, obj):
        return {"succeeded": "true", "response_status": "200"}


class TestEvents(ResourceTests):
    url = "/api/v2/events/"
    model = "webhooks.event"
    list_queries, detail_queries = 3, 2

    @pytest.fixture
    def make(self, silo):
        return lambda: event_emit(event_type="ping", obj={"n": unique()})

    def search_term(self, obj):
        return obj.id

    def filters(self, obj):
        return {"type": "ping"}


class TestEventTypes(ResourceTests):
    url = "/api/v2/event-types/"
    view_permission = "webhooks.view_webhookendpoint"
    detail = False
    list_queries = 1

    def key(self, obj):
        return obj

    @pytest.fixture
    def make(self, silo):
        return lambda: "invoice.posted"  # the registry's, not a row

    def search_term(self, obj):
        return "invoice"
