"""Reads of the outbox: what was delivered (facts other rooms depend on) and what is stuck."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Min, QuerySet

from indigomed.messaging.models import Message


def first_delivered(*, member_ids: Iterable[int], kind: str) -> dict[int, dt.datetime]:
    """When each member was first delivered a message of ``kind``; members never reached are
    left out. A fact such as "told of a transfer" (USE-7) starts here, not when the row was written."""
    return dict(
        Message.objects.filter(member_id__in=set(member_ids), kind=kind, status=Message.Status.SENT)
        .values("member_id")
        .annotate(first=Min("delivered_at"))
        .values_list("member_id", "first")
    )


def stuck_messages(*, limit: int = 200) -> QuerySet[Message]:
    """Dead letters and held messages, newest first, for the privacy office: references only."""
    return (
        Message.objects.filter(status__in=[Message.Status.DEAD, Message.Status.HELD])
        .only("public_id", "member_id", "kind", "status", "attempts", "last_error", "created_at", "about_ref")
        .order_by("-created_at")[:limit]
    )
