"""How practitioners and facilities are named as recipients in privacy decisions and the ledger."""

from __future__ import annotations

from typing import Any

from indigomed.directory.models import FacilityStaff, PractitionerRole
from indigomed.privacy.decisions import Recipient


def practitioner_ref(practitioner_id: int) -> str:
    return f"practitioner:{practitioner_id}"


def facility_ref(facility_id: int) -> str:
    return f"facility:{facility_id}"


def recipient_for(user: Any, role: PractitionerRole) -> Recipient:
    """The practitioner themself, or the facility when its staff look at a calendar."""
    practitioner = role.practitioner
    if practitioner.user_id is not None and practitioner.user_id == getattr(user, "pk", None):
        return Recipient(
            "practitioner",
            practitioner_ref(practitioner.pk),
            f"{practitioner.display_name}, {role.facility.name}",
        )
    staff = FacilityStaff.objects.filter(user_id=getattr(user, "pk", 0) or 0, facility_id=role.facility_id).first()
    label = f"{staff.get_role_display() if staff else 'Staff'}, {role.facility.name}"
    return Recipient("facility", facility_ref(role.facility_id), label)
