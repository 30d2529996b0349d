"""Reads of the access log and of the audit events."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Max, Min, QuerySet

from indigomed.security.models import AccessLogEntry, AuditEvent


def who_saw(member_id: int) -> QuerySet[AccessLogEntry]:
    """Every read of the member's information that was allowed, newest first (SEC-2)."""
    return AccessLogEntry.objects.filter(member_id=member_id, allowed=True).order_by("-at", "-pk")


def who_saw_grouped(member_id: int) -> QuerySet[Any, Any]:
    """Allowed reads of the member's information, one row per recipient and purpose: first and last
    time, and how many times they looked (SEC-2). Most recent first; a queryset, so pages are cut in
    the database."""
    return (
        AccessLogEntry.objects.filter(member_id=member_id, allowed=True)
        .values("recipient_ref", "recipient_label", "purpose")
        .annotate(first=Min("at"), last=Max("at"), times=Count("at", distinct=True))
        .order_by("-last", "recipient_ref", "purpose")
    )


@dataclass(frozen=True)
class Seen:
    """One grouped row of a member's "who saw my information"."""

    who: str
    purpose: str
    categories: list[str]
    first: dt.datetime
    last: dt.datetime
    times: int
    # Who it was, as a reference (``member:…``, ``guardian:…``), for pages that name them for the reader.
    ref: str = ""


def seen_rows(member_id: int, groups: Iterable[dict[str, Any]]) -> list[Seen]:
    """The grouped rows of one page, with what each recipient saw (every category, over all its looks)."""
    page = list(groups)
    seen: dict[tuple[object, object, object], set[str]] = defaultdict(set)
    refs = {group["recipient_ref"] for group in page}
    for ref, label, purpose, categories in (
        AccessLogEntry.objects.filter(member_id=member_id, allowed=True, recipient_ref__in=refs)
        .values_list("recipient_ref", "recipient_label", "purpose", "categories")
        .distinct()
    ):
        seen[(ref, label, purpose)].update(c for c in categories.split(",") if c)
    rows = []
    for group in page:
        key = (group["recipient_ref"], group["recipient_label"], group["purpose"])
        first, last = cast(dt.datetime, group["first"]), cast(dt.datetime, group["last"])
        rows.append(
            Seen(str(key[1]), str(key[2]), sorted(seen[key]), first, last, cast(int, group["times"]), str(key[0]))
        )
    return rows


def audit_events(*, action: str | None = None, member_id: int | None = None) -> QuerySet[AuditEvent]:
    """Every change recorded, newest first; narrowed to one kind of change or one member (2c)."""
    events = AuditEvent.objects.order_by("-at", "-pk")
    if action:
        events = events.filter(action=action)
    if member_id is not None:
        events = events.filter(member_id=member_id)
    return events
