from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view

from audit import selectors
from audit.api.serializers import AuditEventSerializer
from audit.filters import AuditEventFilterSet
from audit.pagination import AuditCursorPagination
from cashsheet.api.viewsets import ReadOnlyResourceViewSet

DESCRIPTION = (
    "Every row written in the silo — by the API, the silo UI, a command or a worker — newest first: who "
    "(user, token prefix, `via`), when, what (resource, id, action) and the changed fields before and after. "
    "Append-only: the database refuses to change or delete an event. Needs `audit.view_auditevent` "
    "(silo admins). Paginated by cursor: follow `next`."
)


@extend_schema_view(
    list=extend_schema(summary="List audit events", tags=["audit"], description=DESCRIPTION),
    retrieve=extend_schema(summary="Read an audit event", tags=["audit"]),
)
class AuditEventViewSet(ReadOnlyResourceViewSet):
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    pagination_class = AuditCursorPagination
    # Cursor pages are ordered by id alone (what makes them stable as the trail grows).
    ordering = ["-id"]
    ordering_fields: list[str] = []
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return selectors.audit_event_list()
