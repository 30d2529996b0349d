"""Referrals (BOOK-5): a practitioner books, for a member they treat, with another practitioner."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from indigomed.directory.models import VisitReason
from indigomed.messaging.services import send_to_member
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.services import Item, disclose
from indigomed.scheduling.errors import WrongStatus
from indigomed.scheduling.models import Appointment, Referral
from indigomed.scheduling.queries import appointment_for_practice
from indigomed.scheduling.services import book_appointment

# Referring is part of the care of someone being seen, or just seen.
REFERRABLE = (Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN, Appointment.Status.COMPLETED)


def refer_patient(*, actor: Any, from_appointment: str, slot_id: int, visit_reason: str) -> Referral:
    """Book the slot for the member of ``from_appointment``, on the referring practice's behalf.

    The receiving practitioner joins the member's care; they receive, through the decision
    point, the minimum a referral needs (who the patient is and why they come), recorded in
    the ledger; the member is told by e-mail once it commits. Raises ``NotFound`` for an
    appointment outside the actor's practice and everything ``book_appointment`` raises.
    """
    origin = appointment_for_practice(actor, from_appointment)
    if origin.status not in REFERRABLE:
        raise WrongStatus("Refer from a visit that is booked, checked in or completed.")
    with transaction.atomic():
        # The referring practitioner books, for the member: they are the actor of the booking.
        booked = book_appointment(
            actor=actor,
            for_member=origin.member,
            slot_id=slot_id,
            visit_reason=visit_reason,
            insurance_plan=None,
        )
        referral = Referral.objects.create(
            member=origin.member, from_appointment=origin, to_appointment=booked, referred_by=actor
        )
        receiving = booked.role
        # The directory's kinds of the reason booked, which the disclosure is decided on.
        tags = VisitReason.objects.filter(slug=visit_reason).values_list("tags", flat=True).get()
        recipient = Recipient.practitioner(
            receiving.practitioner.pk, f"{receiving.practitioner.display_name}, {receiving.facility.name} (referral)"
        )
        ref = f"referral:{referral.public_id}"
        disclose(
            actor_user_id=actor.pk,
            recipient=recipient,
            purpose="treatment",
            items=[
                Item(origin.member_id, frozenset({"contact"}), frozenset(), ref),
                Item(origin.member_id, frozenset({"medical"}), frozenset(tags or ()), ref),
            ],
        )
        transaction.on_commit(lambda: tell_member_of_referral(referral_id=referral.pk))
    return referral


def tell_member_of_referral(*, referral_id: int) -> None:
    """The member learns of the appointment booked for them, through messaging (which tells nobody
    if their data was shredded meanwhile); no medical detail in the message."""
    referral = Referral.objects.select_related(
        "member",
        "to_appointment__role__practitioner",
        "to_appointment__role__facility",
        "from_appointment__role__practitioner",
    ).get(pk=referral_id)
    booked = referral.to_appointment
    facility = booked.role.facility
    local = booked.starts_at.astimezone(ZoneInfo(facility.timezone))
    link = settings.SITE_URL + reverse("appointment", args=[booked.public_id])
    send_to_member(
        member_id=referral.member_id,
        subject="IndigoMed: a new appointment was booked for you",
        body=(
            f"Hello,\n\n{referral.from_appointment.role.practitioner.display_name} referred you to "
            f"{booked.role.practitioner.display_name} and booked an appointment for you on "
            f"{local:%A %d %B %Y at %H:%M} ({facility.timezone}), at {facility.name}, {facility.street}, "
            f"{facility.city}.\n\nSee it, move it or cancel it here: {link}\n"
        ),
        reason="referral",
        actor_user_id=referral.referred_by_id,
    )
