"""A shredded member's visits, kept for the practice but tied to no one (PI-3, CHILD-2).

The calendar must still show that a time was taken and a visit happened: the rows stay. Each is
given to a pseudonymous account made for this shredding and a new public id, so the old ids that
audit events, the ledger or earlier messages carried lead nowhere. Appointments still to come are
cancelled and their times reopened: nobody will come.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from indigomed.scheduling.models import Appointment, Referral
from indigomed.scheduling.services import _cancel


def pseudonymize_visits(*, member_id: int, pseudonym_id: int) -> int:
    """Cancel the member's coming appointments, then move every appointment and referral of
    theirs to ``pseudonym_id`` under new public ids, in the caller's transaction. Returns how
    many appointments moved; a second call finds none."""
    with transaction.atomic():
        coming = Appointment.objects.filter(
            member_id=member_id, status=Appointment.Status.BOOKED, starts_at__gt=timezone.now()
        )
        for appointment in coming.select_for_update():
            _cancel(appointment)
        moved = 0
        for pk in Appointment.objects.filter(member_id=member_id).values_list("pk", flat=True):
            moved += Appointment.objects.filter(pk=pk).update(member_id=pseudonym_id, public_id=uuid.uuid4())
        for pk in Referral.objects.filter(member_id=member_id).values_list("pk", flat=True):
            Referral.objects.filter(pk=pk).update(member_id=pseudonym_id, public_id=uuid.uuid4())
    return moved
