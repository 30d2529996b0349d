"""The outbox's writing: rows written, and withdrawn while they still wait (MSG-1).

Nothing lost: a message is a row written in the transaction of the change that caused it, and
it stays claimable until a delivery is recorded. Claiming and delivering rows is
``messaging.delivery``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indigomed.messaging.delivery import Status, deliver_after_commit
from indigomed.messaging.models import Message
from indigomed.precompiled import Insert
from indigomed.records.vault import Vault


@dataclass(frozen=True)
class Queued:
    """One message to write: its kind, what it says, and when it is due (at once when None)."""

    kind: str
    context: dict[str, Any]
    due_at: dt.datetime | None = None


def enqueue(
    *,
    member_ids: Iterable[int],
    kind: str,
    context: dict[str, Any],
    about_ref: str = "",
    due_at: dt.datetime | None = None,
    actor_user_id: int | None = None,
    given_address: str | None = None,
    template: str | None = None,
) -> list[int]:
    """Write one row per member in the caller's transaction, the context sealed under each
    member's key; members whose key is gone get none. Returns the rows' ids."""
    return enqueue_all(
        member_ids=member_ids,
        messages=[Queued(kind, context, due_at)],
        about_ref=about_ref,
        actor_user_id=actor_user_id,
        given_address=given_address,
        template=template,
    )


# A change queues a few messages (a confirmation and its reminders) by a statement written once;
# more than this many (a notice to every member) go the ORM's way, in batches.
_FEW = 8
_MESSAGES = Insert(Message)


def enqueue_all(
    *,
    member_ids: Iterable[int],
    messages: Sequence[Queued],
    about_ref: str = "",
    actor_user_id: int | None = None,
    given_address: str | None = None,
    template: str | None = None,
) -> list[int]:
    """``enqueue`` for several messages about one thing (a booking's confirmation and its
    reminders): every row in one insert. Returns the rows' ids."""
    ids = sorted(set(member_ids))
    vaults = Vault.open_many(ids)
    now = timezone.now()
    rows: list[Message] = []
    for queued in messages:
        due = queued.due_at or now
        payload = dict(queued.context, to=given_address) if given_address else queued.context
        text = json.dumps(payload, sort_keys=True, default=str)
        rows += [
            Message(
                member_id=member_id,
                kind=queued.kind,
                template=template or queued.kind,
                about_ref=about_ref,
                to_given_address=given_address is not None,
                context=vaults[member_id].seal(Message, "context", text),
                actor_user_id=actor_user_id,
                due_at=due,
                next_attempt_at=due,
            )
            for member_id in ids
            if member_id in vaults
        ]
    if len(rows) <= _FEW:
        _MESSAGES.save_many(rows)
    else:
        Message.objects.bulk_create(rows, batch_size=1000)
    if any(row.pk is None for row in rows):  # engines that do not return ids from a bulk insert
        written = dict(
            Message.objects.filter(public_id__in=[row.public_id for row in rows]).values_list("public_id", "pk")
        )
        for row in rows:
            row.pk = written.get(row.public_id)
    due_now = [row.pk for row in rows if row.pk is not None and row.due_at <= now]
    if due_now and settings.MESSAGES_DELIVER_ON_COMMIT:
        transaction.on_commit(lambda: deliver_after_commit(due_now))
    return [row.pk for row in rows if row.pk is not None]


def withdraw(*, about_ref: str, kinds: Iterable[str] | None = None) -> int:
    """Withdraw the messages about something that are still waiting (a cancelled visit's reminders)."""
    pending = Message.objects.filter(about_ref=about_ref, status=Status.PENDING)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    return pending.update(status=Status.WITHDRAWN, last_error="withdrawn")
