"""Reads of the access log and of the audit events."""

from __future__ import annotations

from django.db.models import QuerySet

from indigomed.security.models import AccessLogEntry, AuditEvent


def who_saw(member_id: int) -> QuerySet[AccessLogEntry]:
    """Every read of the member's information that was allowed, newest first (SEC-2)."""
    return AccessLogEntry.objects.filter(member_id=member_id, allowed=True).order_by("-at", "-pk")


def audit_events(*, action: str | None = None, member_id: int | None = None) -> QuerySet[AuditEvent]:
    """Every change recorded, newest first; narrowed to one kind of change or one member (2c)."""
    events = AuditEvent.objects.order_by("-at", "-pk")
    if action:
        events = events.filter(action=action)
    if member_id is not None:
        events = events.filter(member_id=member_id)
    return events
