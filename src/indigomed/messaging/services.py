"""Writing to members: the one room besides ``records`` that opens a member's address.

Other rooms hand over what to say and to whom (a member, by id; or an address they were given,
such as a parent's). Every message is an outbox row written in the caller's transaction
(``messaging.outbox``); a worker (``messaging.delivery``) opens the sealed address when it
delivers, writes in the access log that the member's contact data was used to write to them
(references only, never the address), and records the delivery. A member whose data was shredded
gets nothing, and nothing is logged for them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.conf import product_setting
from indigomed.directory.models import Facility
from indigomed.directory.reminders import parse_offsets
from indigomed.errors import Conflict, NotFound
from indigomed.messaging import delivery, outbox
from indigomed.messaging.models import MarketingCampaign, MarketingOptOut, Message
from indigomed.records.queries import booking_details
from indigomed.records.sign_in import holder_of
from indigomed.security.services import Access, log_accesses, record_event

# What the access log says of a message, as the member reads it on their privacy page.
WRITING_TO_YOU = delivery.WRITING_TO_YOU
WRITING_ABOUT_YOU = delivery.WRITING_ABOUT_YOU
MEMBER_NAME = "{member_name}"


def send_to_member(*, member_id: int, subject: str, body: str, reason: str, actor_user_id: int | None = None) -> None:
    """Queue a message to one member, in the caller's transaction.

    ``reason`` names the message in the access log (``referral``); ``actor_user_id`` is whoever
    caused it, if anyone. Nothing is queued if the member's data was shredded.
    """
    send_to_members(member_ids=[member_id], subject=subject, body=body, reason=reason, actor_user_id=actor_user_id)


def send_to_members(
    *,
    member_ids: Iterable[int],
    subject: str,
    body: str,
    reason: str,
    actor_user_id: int | None = None,
    about_ref: str = "",
) -> None:
    """The same message to several members, one row each, in the caller's transaction.

    Each message names one recipient, so no member learns another's address, and goes the way
    the member chose. Members whose data was shredded are left out. ``about_ref`` lets the
    caller ask later whether it was delivered (``delivered_at``).
    """
    outbox.enqueue(
        member_ids=member_ids,
        kind=reason,
        template="notice",
        context={"subject": subject, "body": body},
        about_ref=about_ref,
        actor_user_id=actor_user_id,
    )


def send_to_address(
    *,
    address: str,
    subject: str,
    body: str,
    reason: str,
    naming_member_id: int,
    actor_user_id: int | None = None,
) -> None:
    """Queue an e-mail to an address given in hand (a parent's), in the caller's transaction.

    The address is sealed in the row under the key of the member it concerns; ``{member_name}``
    in the body stands for that member's name as given at sign-up, opened when it is delivered:
    the only thing of theirs such a message carries. Its use is in the member's access log;
    nothing goes out if their data can no longer be read.
    """
    outbox.enqueue(
        member_ids=[naming_member_id],
        kind=reason,
        template="notice",
        context={"subject": subject, "body": body, "member_name": True},
        given_address=address,
        actor_user_id=actor_user_id,
    )


def queue_parental_consent_request(*, address: str, member_id: int, link: str, days: int) -> None:
    """Queue the request for a parent's consent (CHILD-1) to the address the child gave, in the
    sign-up's transaction and the child's language; it names the child by the name they gave."""
    outbox.enqueue(
        member_ids=[member_id],
        kind="parental-consent",
        context={"link": link, "days": days, "member_name": True},
        given_address=address,
    )


def queue_take_over_invitation(*, member_id: int, link: str, days: int, address: str | None = None) -> None:
    """Invite a dependent who reached the local age to take over their account (CHILD-3), in the
    caller's transaction: to the dependent, which reaches their guardian while the guardian manages
    the account, and, when the guardian gave one, to the dependent's own address too."""
    context = {"link": link, "days": days}
    outbox.enqueue(member_ids=[member_id], kind="take-over-invitation", context=context)
    if address:
        outbox.enqueue(
            member_ids=[member_id],
            kind="take-over-invitation",
            context=dict(context, to_dependent=True),
            given_address=address,
        )


def queue_guardianship_ended(*, guardian_id: int, dependent_id: int, event: str, actor_user_id: int | None) -> None:
    """Tell both that a guardianship ended (CHILD-3), in the caller's transaction: ``event`` is how
    (``took_over``, ``given_up``, ``ended_by_office``). Queued after the guardianship ended, the
    dependent's message goes to the dependent's own way, not to the former guardian."""
    outbox.enqueue(
        member_ids=[guardian_id],
        kind="guardianship-ended",
        context={"event": event, "to_guardian": True},
        actor_user_id=actor_user_id,
    )
    outbox.enqueue(
        member_ids=[dependent_id],
        kind="guardianship-ended",
        context={"event": event, "to_guardian": False},
        actor_user_id=actor_user_id,
    )


def queue_transfer_notice(
    *,
    member_ids: Iterable[int],
    acquirer: str,
    effective_on: dt.date,
    text: str,
    about_ref: str,
    actor_user_id: int,
) -> None:
    """Queue the announcement of a transfer (USE-7) to each member, in their language and the way
    they chose; a member counts as told once theirs is delivered (``queries.first_delivered_about``)."""
    outbox.enqueue(
        member_ids=member_ids,
        kind="transfer-notice",
        context={"acquirer": acquirer, "effective_on": effective_on.isoformat(), "text": text},
        about_ref=about_ref,
        actor_user_id=actor_user_id,
    )


def queue_breach_notice(
    *,
    member_ids: Iterable[int],
    summary_en: str,
    summary_fr: str,
    discovered_on: dt.date,
    about_ref: str,
    actor_user_id: int,
) -> int:
    """Queue the notice of a breach (SEC-3) to each affected member, in their language and the way
    they chose; the office's proof is each one's delivery (``queries.deliveries_about``)."""
    return len(
        outbox.enqueue(
            member_ids=member_ids,
            kind="breach-notice",
            context={"summary_en": summary_en, "summary_fr": summary_fr, "effective_on": discovered_on.isoformat()},
            about_ref=about_ref,
            actor_user_id=actor_user_id,
        )
    )


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


# --- Appointments (MSG-1) -----------------------------------------------------------------------

_APPOINTMENT_KINDS = ("booking-confirmation", "reminder", "rescheduled", "referral")


def _discreet(appointment: Any, reason_tags: Sequence[str] | None) -> bool:
    """A visit of a protected kind (any sensitivity tag): its messages name no practitioner or
    place (MSG-2), since those can reveal a mental-health or sexual-health visit. The reason's
    kinds are the caller's when it has them (a booking), else read from the booking's details."""
    if reason_tags is not None:
        return bool(reason_tags)
    details = booking_details({appointment.public_id: appointment.member_id}).get(appointment.public_id)
    return bool(details is None or details.tags)


def _appointment_context(appointment: Any, reason_tags: Sequence[str] | None = None) -> dict[str, Any]:
    role = appointment.role
    facility = role.facility
    context: dict[str, Any] = {
        "starts_at": appointment.starts_at.isoformat(),
        "timezone": facility.timezone,
        "discreet": _discreet(appointment, reason_tags),
        "link": reverse("appointment", args=[appointment.public_id]),
    }
    if appointment.visit_type.is_remote:
        # BOOK-7: the join link goes where the member's messages go, and opens nothing unsigned.
        context |= {
            "join": reverse("appointment_join", args=[appointment.public_id]),
            "join_opens": int(product_setting("VIDEO_JOIN_OPENS_MINUTES")),
        }
    if not context["discreet"]:
        context |= {
            "practitioner": role.practitioner.display_name,
            "facility": facility.name,
            "street": facility.street,
            "city": facility.city,
        }
    return context


def _reminders(appointment: Any, context: dict[str, Any]) -> list[outbox.Queued]:
    now = timezone.now()
    facility = appointment.role.facility
    if "reminder_offsets" in facility.get_deferred_fields():  # a facility read with a few columns only
        facility = Facility.objects.only("reminder_offsets").get(pk=appointment.role.facility_id)
    due = (appointment.starts_at - offset for offset in parse_offsets(facility.effective_reminder_offsets))
    return [outbox.Queued("reminder", context, when) for when in due if when > now]


def queue_appointment_messages(
    *, appointment: Any, event: str, actor_user_id: int | None = None, reason_tags: Sequence[str] | None = None
) -> None:
    """The messages a change to an appointment causes, written in the caller's transaction.

    ``booked``: a confirmation and the practice's reminders (a booking moved from another gets
    "moved" instead, and the other's pending reminders are withdrawn); ``referred``: the referral
    notice replaces the confirmation; ``cancelled``: pending reminders are withdrawn and the member
    is told; ``completed``: a follow-up; ``no_show``/``checked_in``: reminders are withdrawn.
    ``reason_tags``: the booked reason's sensitivity kinds, when the caller holds them (else the
    booking's sealed details are read to decide whether the messages must be discreet).
    """
    ref = f"appointment:{appointment.public_id}"
    member = [appointment.member_id]
    if event in ("cancelled", "completed", "no_show", "checked_in"):
        outbox.withdraw(about_ref=ref, kinds=_APPOINTMENT_KINDS)
    if event == "cancelled":
        outbox.enqueue(member_ids=member, kind="cancellation", context=_appointment_context(appointment), about_ref=ref)
    elif event == "completed":
        due = timezone.now() + dt.timedelta(hours=int(product_setting("FOLLOW_UP_AFTER_HOURS")))
        context = {"starts_at": appointment.starts_at.isoformat(), "timezone": appointment.role.facility.timezone}
        outbox.enqueue(member_ids=member, kind="follow-up", context=context, about_ref=ref, due_at=due)
    elif event == "booked":
        context = _appointment_context(appointment, reason_tags)
        previous = getattr(appointment, "rescheduled_from", None)
        if previous is not None:
            outbox.withdraw(about_ref=f"appointment:{previous.public_id}", kinds=_APPOINTMENT_KINDS)
            moved = context | {"previous_starts_at": previous.starts_at.isoformat()}
            first = outbox.Queued("rescheduled", moved)
        else:
            first = outbox.Queued("booking-confirmation", context)
        # The confirmation and every reminder in one insert.
        outbox.enqueue_all(member_ids=member, messages=[first, *_reminders(appointment, context)], about_ref=ref)
    elif event == "referred":
        outbox.withdraw(about_ref=ref, kinds=["booking-confirmation"])
        context = _appointment_context(appointment)
        if not context["discreet"]:
            context["referred_by"] = appointment.referral.from_appointment.role.practitioner.display_name
        outbox.enqueue(member_ids=member, kind="referral", context=context, about_ref=ref, actor_user_id=actor_user_id)


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


# --- allauth's own mail ---------------------------------------------------------------------


def _written_to(member_id: int, *, reason: str, actor_user_id: int | None) -> Access:
    return Access(
        member_id=member_id,
        actor_user_id=actor_user_id,
        recipient_ref=f"member:{member_id}",
        recipient_label="You, by e-mail",
        purpose=WRITING_TO_YOU,
        categories="contact",
        allowed=True,
        rule=f"message:{reason}",
    )


def write_to_sign_in_address(*, key: str, reason: str, send: Callable[[str], None]) -> bool:
    """Open the address behind a sign-in key (current, or one being changed to) and hand it to
    ``send``, which writes the account holder their own account mail; ``False`` when no account
    has the key or its data was shredded.

    Unlike the messages above this sends at once: allauth calls it at the end of its own flow
    (sign-up, reset, change of address), and the link it mails must reach the person now.
    """
    holder = holder_of(key)
    if holder is None:
        return False
    log_accesses([_written_to(holder.user_id, reason=reason, actor_user_id=None)])
    send(holder.address)
    return True
