"""Reads of the audit trail."""

from django.db.models import QuerySet

from audit.models import AuditEvent


def audit_event_list() -> QuerySet[AuditEvent]:
    """Newest first; one query per page (no joins: an event names its actor, it does not point at it)."""
    return AuditEvent.objects.order_by("-id")
