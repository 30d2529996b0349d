"""Reads of the member's own records."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from indigomed.accounts.models import User
from indigomed.records.models import VisitRecord


def visit_history_for(member: User | AnonymousUser) -> QuerySet[VisitRecord]:
    """The member's completed visits, newest first (read by the member themself)."""
    if not isinstance(member, User):
        return VisitRecord.objects.none()
    return VisitRecord.objects.filter(member=member).order_by("-visit_date", "-pk")
