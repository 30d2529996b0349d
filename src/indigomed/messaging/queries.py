"""Reads of the outbox: what was delivered (facts other rooms depend on) and what is stuck."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min, QuerySet

from indigomed.messaging.models import Message


def first_delivered_about(*, member_ids: Iterable[int], kind: str) -> dict[tuple[int, str], dt.datetime]:
    """When each member was first delivered a message of ``kind`` about each thing it concerns,
    by (member, ``about_ref``): "told of this transfer" (USE-7), one announcement among several."""
    return {
        (member_id, about_ref): first
        for member_id, about_ref, first in Message.objects.filter(
            member_id__in=set(member_ids), kind=kind, status=Message.Status.SENT
        )
        .values("member_id", "about_ref")
        .annotate(first=Min("delivered_at"))
        .values_list("member_id", "about_ref", "first")
    }


def stuck_messages(*, limit: int = 200) -> QuerySet[Message]:
    """Dead letters and held messages, newest first, for the privacy office: references only."""
    return (
        Message.objects.filter(status__in=[Message.Status.DEAD, Message.Status.HELD])
        .only("public_id", "member_id", "kind", "status", "attempts", "last_error", "created_at", "about_ref")
        .order_by("-created_at")[:limit]
    )


@dataclass(frozen=True)
class Delivery:
    """What became of one member's message: queued when, and delivered when and how, if it was."""

    queued_at: dt.datetime
    status: str
    delivered_at: dt.datetime | None
    channel: str


def deliveries_about(*, about_ref: str) -> dict[int, Delivery]:
    """Each member's message about one thing (a breach's notices), by member: the proof of who
    was told what and when. References only."""
    return {
        member_id: Delivery(created_at, status, delivered_at, channel)
        for member_id, created_at, status, delivered_at, channel in Message.objects.filter(about_ref=about_ref)
        .order_by("created_at")
        .values_list("member_id", "created_at", "status", "delivered_at", "channel")
    }


def messages_about(*, member_id: int, about_refs: Iterable[str]) -> QuerySet[Message]:
    """What was written to a member about some things (their requests), oldest first: references,
    kinds and delivery states only, never the text (sealed in the row)."""
    return (
        Message.objects.filter(member_id=member_id, about_ref__in=list(about_refs))
        .only("public_id", "kind", "about_ref", "status", "channel", "created_at", "delivered_at")
        .order_by("created_at", "pk")
    )
