"""A shredded member's outbox rows, and the one message that tells them their account is closed
(CHILD-2, PI-3)."""

from __future__ import annotations

from indigomed.messaging import outbox
from indigomed.messaging.models import MarketingOptOut, Message

ACCOUNT_CLOSED = "account-closed"
# A breach notice's delivery is the office's proof that the member was told (SEC-3): it stays,
# naming nothing (its context is sealed under a key that is gone).
_KEPT_AS_PROOF = "incident:"


def queue_account_closed_notice(*, member_id: int, parent_address: str | None, actor_user_id: int) -> Message | None:
    """Queue the one message that says the account is closed and its data will be deleted: to
    the parent's address when the office has one, otherwise the way the member chose, in the
    member's language. ``None`` when the member's data can no longer be read."""
    ids = outbox.enqueue(
        member_ids=[member_id],
        kind=ACCOUNT_CLOSED,
        context={"to_parent": parent_address is not None} | ({"member_name": True} if parent_address else {}),
        given_address=parent_address,
        actor_user_id=actor_user_id,
    )
    return Message.objects.filter(pk__in=ids).first()


def forget_messages(*, member_id: int) -> int:
    """Delete the member's outbox rows (their attempts with them), except breach notices, in the
    caller's transaction. Returns how many messages went."""
    gone = Message.objects.filter(member_id=member_id).exclude(about_ref__startswith=_KEPT_AS_PROOF).delete()[0]
    MarketingOptOut.objects.filter(member_id=member_id).delete()
    return gone
