"""Reads of the access log."""

from __future__ import annotations

from django.db.models import QuerySet

from indigomed.security.models import AccessLogEntry


def who_saw(member_id: int) -> QuerySet[AccessLogEntry]:
    """Every read of the member's information that was allowed, newest first (SEC-2)."""
    return AccessLogEntry.objects.filter(member_id=member_id, allowed=True).order_by("-at", "-pk")
