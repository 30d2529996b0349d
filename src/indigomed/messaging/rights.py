"""Messages about members' rights, and the privacy office's side of writing to members.

The requests desk's messages (``queue_request_message``); what became of a member's amendment or
restriction, and who else is told of an amendment (RIGHT-AMEND, RIGHT-RESTRICT); marketing and its
one-click opt-out (MSG-2); who counts as a member or a privacy officer here (RIGHT-CONFCOMM); and
the office's retry of dead and held messages. Like every message, each is an outbox row written in
the caller's transaction (``messaging.outbox``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.errors import Conflict, NotFound
from indigomed.messaging import delivery, outbox
from indigomed.messaging.models import MarketingCampaign, MarketingOptOut, Message
from indigomed.security.services import record_event

# --- Members' requests (rights) -----------------------------------------------------------------

REQUEST_KINDS = (
    "request-received",
    "request-in-review",
    "request-extended",
    "request-concluded",
    "request-accounting-letter",
    "request-due",
)


def queue_request_message(
    *,
    member_id: int,
    kind: str,
    context: dict[str, Any],
    about_ref: str,
    actor_user_id: int | None = None,
    by_post: bool = False,
) -> None:
    """A message about a request on the desk, in the caller's transaction: to the member (what
    happened to their request) or to a privacy officer (``request-due``: a deadline is near).

    ``by_post``: the member asked for this answer on paper; it goes as a letter to the postal
    address of their contact choice (``/me/contact/``), and is held for the office when they have
    none, never sent another way.
    """
    if kind not in REQUEST_KINDS:
        raise ValueError(f"Unknown request message {kind!r}.")
    outbox.enqueue(
        member_ids=[member_id],
        kind=kind,
        context=dict(context, by_post=True) if by_post else context,
        about_ref=about_ref,
        actor_user_id=actor_user_id,
    )


# --- Members' rights: amendments and restrictions (RIGHT-AMEND, RIGHT-RESTRICT) ----------------

# What a member is told of their own amendment or restriction: that it was decided, and where to
# read the rest. The values and the office's words stay behind the sign-in (MSG-2).
# Decisions on desk requests are told by the desk's own answer (``queue_request_message``); these
# are what happens outside it: a rebuttal after the answer, a restriction the law accepts at filing,
# a restriction filed before the desk.
RIGHTS_UPDATE_KINDS = frozenset({"amendment-rebuttal", "restriction-accepted", "restriction-refused"})
# Who else is told of an accepted amendment: someone at a recipient who had received the value it
# replaced, at their own account; or the privacy office, to pass it on to a recipient without one.
AMENDMENT_NOTICE_KINDS = frozenset({"amendment-recipient", "amendment-pass-on"})


def queue_rights_update(
    *, member_id: int, kind: str, about_ref: str, link: str, actor_user_id: int | None, by_rule: bool = False
) -> None:
    """Tell a member, in the caller's transaction, what became of their amendment or restriction
    (``RIGHTS_UPDATE_KINDS``), in their language and the way they chose; ``by_rule`` says a
    restriction was accepted because the law required it. ``ValueError`` for another kind."""
    if kind not in RIGHTS_UPDATE_KINDS:
        raise ValueError(f"Not a rights update: {kind!r}.")
    outbox.enqueue(
        member_ids=[member_id],
        kind=kind,
        context={"link": link, "by_rule": by_rule},
        about_ref=about_ref,
        actor_user_id=actor_user_id,
    )


def queue_amendment_notices(
    *,
    user_ids: Iterable[int],
    kind: str,
    about_ref: str,
    link: str,
    actor_user_id: int | None,
    amended_on: dt.date,
    recipients: Iterable[str] = (),
) -> None:
    """Tell people, each at their own IndigoMed account, that a record they received was amended:
    a practitioner or a facility's staff (``amendment-recipient``), or the privacy office, which
    passes it on to the ``recipients`` (labels) that have no account (``amendment-pass-on``).

    The message names no patient and no value; it links to the page where the corrected record is
    disclosed through the decision point. ``ValueError`` for another kind."""
    if kind not in AMENDMENT_NOTICE_KINDS:
        raise ValueError(f"Not an amendment notice: {kind!r}.")
    outbox.enqueue(
        member_ids=user_ids,
        kind=kind,
        context={"link": link, "amended_on": amended_on.isoformat(), "recipients": sorted(set(recipients))},
        about_ref=about_ref,
        actor_user_id=actor_user_id,
    )


# --- Marketing (MSG-2) -------------------------------------------------------------------------


def send_marketing(
    *, authorized_member_ids: Iterable[int], subject: str, body: str, actor_user_id: int, campaign: uuid.UUID
) -> int:
    """Queue a marketing message to members whose marketing authorization the caller has had
    confirmed by the decision point (``privacy.marketing``); those who opted out are left out.

    Each message carries a link (and RFC 8058 headers) that stops marketing in one click,
    without signing in. Returns how many were queued. ``Conflict`` when ``campaign`` was already
    sent: the unique row is taken first, so a concurrent second submit waits, then finds it.
    """
    authorized = list(authorized_member_ids)
    opted_out = set(MarketingOptOut.objects.values_list("member_id", flat=True))
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = MarketingCampaign.objects.create(
                    ref=campaign, sent_by_id=actor_user_id, authorized=len(authorized), queued=0
                )
        except IntegrityError as exc:
            raise Conflict(gettext("This message was already sent.")) from exc
        row.queued = len(
            outbox.enqueue(
                member_ids=[m for m in authorized if m not in opted_out],
                kind=delivery.MARKETING,
                template="marketing",
                context={"subject": subject, "body": body},
                actor_user_id=actor_user_id,
                about_ref=f"marketing:{campaign}",
            )
        )
        row.save(update_fields=["queued"])
    return row.queued


def marketing_campaigns(limit: int = 20) -> list[MarketingCampaign]:
    """The marketing messages sent, newest first, with how many members each reached."""
    return list(MarketingCampaign.objects.order_by("-sent_at")[:limit])


def opt_out_of_marketing(*, message_public_id: str) -> bool:
    """The member who received this marketing message wants no more; their pending marketing is
    withdrawn. ``False`` when the link names no marketing message. Saying it twice is harmless."""
    member_id = (
        Message.objects.filter(public_id=message_public_id, kind=delivery.MARKETING)
        .values_list("member_id", flat=True)
        .first()
    )
    if member_id is None:
        return False
    with transaction.atomic():
        _, stopped = MarketingOptOut.objects.get_or_create(
            member_id=member_id, defaults={"from_message": message_public_id}
        )
        Message.objects.filter(member_id=member_id, kind=delivery.MARKETING, status=Message.Status.PENDING).update(
            status=Message.Status.WITHDRAWN, last_error="opted out of marketing"
        )
        if stopped:
            # The member acts through the message's link, without signing in: no actor.
            record_event(
                actor=None,
                action="marketing.opted_out",
                member_id=member_id,
                subject_ref=f"message:{message_public_id}",
            )
    return True


# --- Confidential communications (RIGHT-CONFCOMM) ---------------------------------------------


def is_member(user: Any) -> bool:
    """Whether ``user`` is a member. Messaging sits below ``accounts``, whose typed actor
    (``accounts.roles``) says so everywhere above; here the account's own member row does."""
    return user is not None and getattr(user, "pk", None) is not None and hasattr(user, "member")


def is_privacy_officer(user: Any) -> bool:
    """Whether ``user`` works in the privacy office (as ``is_member``: from the account's own row)."""
    return user is not None and getattr(user, "pk", None) is not None and hasattr(user, "privacy_officer")


# --- The privacy office: dead letters and held messages --------------------------------------


def retry_message(*, officer: Any, public_id: str) -> Message:
    """The privacy office sends a dead or held message again, from a fresh count of attempts.

    A held message goes again only the ways its member allows: if they still allow none, it is
    held again. ``NotFound`` for anyone but the office or for a message that is not stuck.
    """
    if not is_privacy_officer(officer):
        raise NotFound(gettext("We could not find that message."))
    now = timezone.now()
    with transaction.atomic():
        changed = Message.objects.filter(
            public_id=public_id, status__in=[Message.Status.DEAD, Message.Status.HELD]
        ).update(status=Message.Status.PENDING, attempts=0, next_attempt_at=now, last_error="")
        if not changed:
            raise NotFound(gettext("We could not find that message among those waiting for the office."))
        message = Message.objects.get(public_id=public_id)
        record_event(
            actor=officer,
            action="message.retried",
            member_id=message.member_id,
            subject_ref=f"message:{message.public_id}",
            details={"kind": message.kind},
        )
    return message
