"""Writing to members: the one room besides ``records`` that opens a member's address.

Other rooms hand over what to say and to whom (a member, by id; or an address they were given,
such as a parent's). Every message is an outbox row written in the caller's transaction
(``messaging.outbox``); a worker (``messaging.delivery``) opens the sealed address when it
delivers, writes in the access log that the member's contact data was used to write to them
(references only, never the address), and records the delivery. A member whose data was shredded
gets nothing, and nothing is logged for them.

Here: what any room may send (a notice, a message to an address given in hand, a transfer or
breach notice), the messages an appointment's changes cause (MSG-1), and allauth's own mail.
Messages about members' rights, marketing and the office's dead letters are ``messaging.rights``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone

from indigomed.conf import product_setting
from indigomed.directory.models import Facility
from indigomed.directory.reminders import parse_offsets
from indigomed.messaging import delivery, outbox
from indigomed.records.queries import booking_details
from indigomed.records.sign_in import holder_of
from indigomed.security.services import Access, log_accesses

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
