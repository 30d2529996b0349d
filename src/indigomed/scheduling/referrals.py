"""Referrals (BOOK-5): a practitioner books, for a member they treat, with another practitioner."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from indigomed.directory.models import VisitReason
from indigomed.messaging.services import queue_appointment_messages
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
    the ledger; the member is told the way they chose, through the outbox. Raises ``NotFound`` for an
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
        queue_appointment_messages(appointment=booked, event="referred", actor_user_id=actor.pk)
    return referral
