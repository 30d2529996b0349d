"""Writes to the member's records."""

from __future__ import annotations

import datetime as dt
import uuid

from indigomed.accounts.models import User
from indigomed.records.models import VisitRecord


def record_completed_visit(
    *,
    member: User,
    appointment_public_id: uuid.UUID,
    practitioner_name: str,
    facility_name: str,
    reason: str,
    visit_date: dt.date,
) -> VisitRecord:
    """Keep a completed visit in the member's history; recording the same visit twice is a no-op.

    Called inside the caller's transaction, so the history and the status change land together.
    """
    record, _ = VisitRecord.objects.get_or_create(
        appointment_public_id=appointment_public_id,
        defaults={
            "member": member,
            "practitioner_name": practitioner_name,
            "facility_name": facility_name,
            "reason": reason,
            "visit_date": visit_date,
        },
    )
    return record
