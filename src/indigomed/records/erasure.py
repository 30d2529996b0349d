"""Erasing a member's sealed records when they are shredded (PI-3, CHILD-2).

Deleting the data key alone already makes every sealed value unreadable, here and in every
backup. The rows go too, because their clear columns still say something: a booking's
appointment id or a visit entry's source ties the member to a visit.
"""

from __future__ import annotations

from django.db import transaction

from indigomed.records.models import (
    Amendment,
    BookingDetails,
    ContactData,
    ContactPreferences,
    CorrespondenceEntry,
    DemographicData,
    InsuranceData,
    MedicalEntry,
    MemberKey,
)

# The key last: were anything to fail in between, the transaction keeps the whole as it was.
_ROWS = (
    Amendment,
    BookingDetails,
    MedicalEntry,
    InsuranceData,
    DemographicData,
    ContactPreferences,
    ContactData,
    CorrespondenceEntry,
    MemberKey,
)


def erase_member_records(*, member_id: int) -> int:
    """Delete the member's sealed rows of every category and then their data key, in one
    transaction (the caller's if there is one). Returns how many rows went; a second call finds
    nothing and returns 0."""
    erased = 0
    with transaction.atomic():
        for model in _ROWS:
            erased += model.objects.filter(member_id=member_id).delete()[0]
    return erased
