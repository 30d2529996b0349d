"""The member's edits of their own profile (PI-4): each is sealed by ``records`` and recorded as an
audit event in the same transaction. Here rather than in ``records``, which sits beside ``security``
and so may not write its events."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.errors import NotFound
from indigomed.records import services as records
from indigomed.security.services import record_event


def edit_own_profile(
    *, actor: User, name: str, phone: str | None, gender: str | None, postal_code: str | None, region: str | None
) -> None:
    """Save the member's contact and demographic data; ``None`` leaves a demographic value as it is.

    The event names the categories edited, never the values.
    """
    with transaction.atomic():
        records.update_contact(member_id=actor.pk, phone=phone, name=name)
        records.update_demographics(member_id=actor.pk, gender=gender, postal_code=postal_code, region=region)
        record_event(
            actor=actor,
            action="profile.updated",
            member_id=actor.pk,
            subject_ref=f"member:{actor.pk}",
            details={"categories": ["contact", "demographic"]},
        )


def add_own_insurance(*, actor: User, carrier: str, plan: str, member_number: str | None) -> None:
    """Add a health plan the member holds, sealed; the event names the category, never the plan."""
    with transaction.atomic():
        insurance = records.add_insurance(member_id=actor.pk, carrier=carrier, plan=plan, member_number=member_number)
        record_event(
            actor=actor,
            action="profile.updated",
            member_id=actor.pk,
            subject_ref=f"member:{actor.pk}",
            details={"categories": ["insurance"], "insurance": insurance.pk},
        )


def edit_own_insurance(
    *, actor: User, public_id: uuid.UUID, carrier: str, plan: str, member_number: str | None
) -> None:
    """Correct one of the member's health plans, sealed; ``NotFound`` for one that is not theirs.
    The event names the row, never the plan."""
    with transaction.atomic():
        insurance = records.edit_insurance(
            member_id=actor.pk, public_id=public_id, carrier=carrier, plan=plan, member_number=member_number
        )
        if insurance is None:
            raise NotFound(gettext("We could not find that insurance among yours."))
        record_event(
            actor=actor,
            action="profile.updated",
            member_id=actor.pk,
            subject_ref=f"member:{actor.pk}",
            details={"categories": ["insurance"], "insurance": insurance.pk, "change": "edited"},
        )


def remove_own_insurance(*, actor: User, public_id: uuid.UUID) -> None:
    """Remove one of the member's health plans; ``NotFound`` for one that is not theirs (or is
    gone already). Bookings keep the plan they were booked with: it is part of their details, told
    to the practice when booking, and changes only by an amendment of that booking."""
    with transaction.atomic():
        removed = records.remove_insurance(member_id=actor.pk, public_id=public_id)
        if removed is None:
            raise NotFound(gettext("We could not find that insurance among yours."))
        record_event(
            actor=actor,
            action="profile.updated",
            member_id=actor.pk,
            subject_ref=f"member:{actor.pk}",
            details={"categories": ["insurance"], "insurance": removed, "change": "removed"},
        )
