"""What a practice sees of its patients, decided by the privacy decision point (USE-5).

Every calendar row asks for who the patient is (contact), why they come (medical, with the
reason's sensitivity tags) and how they pay (insurance). Each is decided, logged and, when
allowed, written to the ledger; what is refused is shown as withheld with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from indigomed.privacy.services import CareView, disclose_for_care
from indigomed.scheduling.models import Appointment
from indigomed.scheduling.recipients import recipient_for


def patients_for(user: Any, appointments: Sequence[Appointment]) -> dict[int, CareView]:
    """One view per appointment, keyed by appointment id, decided in one batch per recipient."""
    by_recipient: dict[Any, list[Appointment]] = defaultdict(list)
    recipients: dict[int, Any] = {}  # per calendar: who the user is there is the same for every row
    for appointment in appointments:
        if appointment.role_id not in recipients:
            recipients[appointment.role_id] = recipient_for(user, appointment.role)
        by_recipient[recipients[appointment.role_id]].append(appointment)
    views: dict[int, CareView] = {}
    for recipient, group in by_recipient.items():
        decided = disclose_for_care(
            actor_user_id=getattr(user, "pk", None),
            recipient=recipient,
            appointments=[(a.member_id, a.public_id) for a in group],
        )
        views.update({a.pk: decided[a.public_id] for a in group})
    return views
