"""Filters of /audit-events/: what was written (resource, id), by whom (user, token, via), when."""

import django_filters
from django.db.models import Q

from audit.models import AuditEvent
from cashsheet.api.filters import IsoDateTimeFilter, parse_id


class AuditEventFilterSet(django_filters.FilterSet):
    resource = django_filters.CharFilter(
        method="filter_resource", help_text="The model, `app_label.model` (`parties.customer`); commas for several."
    )
    object_id = django_filters.CharFilter(help_text="The row's id (with `resource`: one record's history).")
    user = django_filters.CharFilter(method="filter_user", help_text="The acting user's id or username.")
    token_prefix = django_filters.CharFilter(help_text="The API token's prefix, e.g. `cs_1a2b3c4d`.")
    via = django_filters.CharFilter(help_text="`api`, `ui`, `command:<name>`, `worker` or `system`.")
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices)
    transaction_id = django_filters.CharFilter(method="filter_transaction", help_text="Every row of one write.")
    occurred_after = IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte", help_text="ISO 8601, inclusive.")
    occurred_before = IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt", help_text="ISO 8601, exclusive.")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_resource(self, queryset, name, value):
        labels = [label.strip().lower() for label in value.split(",") if label.strip()]
        return queryset.filter(resource__in=labels) if labels else queryset

    def filter_user(self, queryset, name, value):
        user_id = parse_id(value)
        if user_id is None:
            return queryset.filter(actor_username=value)
        return queryset.filter(Q(actor_user_id=user_id) | Q(actor_username=value))

    def filter_transaction(self, queryset, name, value):
        transaction_id = parse_id(value)
        return queryset.filter(transaction_id=transaction_id) if transaction_id is not None else queryset.none()
