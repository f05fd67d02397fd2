import django_filters

from cashsheet.api.filters import IsoDateTimeFilter, ResourceFilterSet
from webhooks.models import DeliveryAttempt, Event, WebhookEndpoint


class EndpointFilterSet(ResourceFilterSet):
    class Meta:
        model = WebhookEndpoint
        fields = ["active", "api_version"]


class EventFilterSet(ResourceFilterSet):
    # Events never change: updated_since means created since.
    updated_since = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    type = django_filters.BaseInFilter(
        field_name="type", lookup_expr="in", help_text="One type, or several comma-separated."
    )
    date = django_filters.DateFilter(field_name="created_at", lookup_expr="date", help_text="Events of one UTC day.")

    class Meta:
        model = Event
        fields = ["api_version"]


class AttemptFilterSet(ResourceFilterSet):
    event = django_filters.CharFilter(field_name="event_id")
    event_type = django_filters.CharFilter(field_name="event__type")

    class Meta:
        model = DeliveryAttempt
        fields = ["succeeded", "response_status"]
