"""Writes to the access log; called by the privacy decision point in the same transaction as the read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from indigomed.security.models import AccessLogEntry


@dataclass(frozen=True, slots=True)
class Access:
    member_id: int
    actor_user_id: int | None
    recipient_ref: str
    recipient_label: str
    purpose: str
    categories: str
    allowed: bool
    rule: str


def log_accesses(accesses: Iterable[Access]) -> None:
    """Record decisions, allowed and refused, in one insert, at one instant: the decisions of one
    look share their time, so a member's page counts looks, not items (``who_saw_grouped``)."""
    at = timezone.now()
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            at=at,
            member_id=a.member_id,
            actor_user_id=a.actor_user_id,
            recipient_ref=a.recipient_ref,
            recipient_label=a.recipient_label,
            purpose=a.purpose,
            categories=a.categories,
            allowed=a.allowed,
            rule=a.rule,
        )
        for a in accesses
    )
