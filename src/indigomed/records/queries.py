"""Reads of the member's own records."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from indigomed.accounts.models import Member, User
from indigomed.records.models import VisitRecord


def visit_history_for(member: User | AnonymousUser) -> QuerySet[VisitRecord]:
    """The member's completed visits, newest first (read by the member themself)."""
    if not isinstance(member, User):
        return VisitRecord.objects.none()
    return VisitRecord.objects.filter(member=member).order_by("-visit_date", "-pk")


def residences(member_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(country, region) where each member lives, for their jurisdiction.

    Country comes from sign-up, the US state from the member's profile.
    """
    rows = Member.objects.filter(user_id__in=member_ids).values_list("user_id", "country", "region")
    return {user_id: (country, region) for user_id, country, region in rows}
