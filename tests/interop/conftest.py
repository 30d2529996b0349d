"""A member with a history: visits, bookings, a plan, an authorization; a clinician caring for them,
another who can review, and the privacy office."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.directory.models import PractitionerRole
from indigomed.privacy.profile import add_own_insurance
from indigomed.privacy.services import record_care_relationship
from indigomed.privacy.signing import sign_authorization
from indigomed.records.services import record_booking_details, record_completed_visit
from indigomed.scheduling.models import Appointment, Slot
from tests.conftest import World, make_user


def booking(
    member: User,
    role: PractitionerRole,
    *,
    days_ago: int,
    reason: str = "Chest pain",
    status: str = "completed",
    plan: tuple[str, str] | None = None,
    tags: tuple[str, ...] = (),
) -> Appointment:
    """An appointment of the member's, in the past (or the future for negative days), with its sealed
    details, its care relationship and, once completed, its visit in the history."""
    # At 03:00 UTC, outside every demo facility's hours, so it never meets one of their open slots.
    start = (timezone.now() - dt.timedelta(days=days_ago)).replace(hour=3, minute=0, second=0, microsecond=0)
    slot = Slot.objects.create(
        role=role,
        visit_type=role.visit_types.first(),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        is_open=False,
    )
    appointment = Appointment.objects.create(
        member=member,
        slot=slot,
        role=role,
        visit_type=slot.visit_type,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=status,
        booked_at=start - dt.timedelta(days=7),
    )
    record_booking_details(
        member_id=member.pk,
        appointment_public_id=appointment.public_id,
        reason={"slug": reason.lower().replace(" ", "-"), "name": reason, "tags": list(tags)},
        insurance={"slug": plan[0], "name": plan[1]} if plan else None,
    )
    record_care_relationship(
        member_id=member.pk,
        recipient_refs=[f"practitioner:{role.practitioner_id}", f"facility:{role.facility_id}"],
        source_ref=f"appointment:{appointment.public_id}",
    )
    if status == "completed":
        record_completed_visit(
            member_id=member.pk,
            appointment_public_id=appointment.public_id,
            practitioner_name=role.practitioner.display_name,
            facility_name=role.facility.name,
            visit_date=start.date(),
        )
    return appointment


@dataclass
class History:
    member: User
    chest: Appointment
    skin: Appointment
    upcoming: Appointment
    cancelled: Appointment
    officer: User
    reviewer: User


@pytest.fixture
def history(world: World) -> History:
    member = world.member
    chest = booking(member, world.heart_role, days_ago=40, reason="Chest pain", plan=("aetna-hmo", "Aetna HMO"))
    skin = booking(member, world.skin_role, days_ago=20, reason="Persistent rash", tags=("std",))
    upcoming = booking(member, world.heart_role, days_ago=-10, reason="Follow-up of palpitations", status="booked")
    cancelled = booking(member, world.skin_role, days_ago=5, reason="Acne", status="cancelled")
    add_own_insurance(actor=member, carrier="Aetna", plan="HMO Gold", member_number="W123456789")
    sign_authorization(
        actor=member,
        recipient_ref="*",
        recipient_label="My sister Jo",
        purposes=["family"],
        categories=["medical"],
        tags=[],
        information="My visit history",
        signed_name="Pat Member",
        explicit_consent=True,
        expires_at=timezone.now() + dt.timedelta(days=300),
    )
    officer = make_user("privacy.officer@example.test")
    PrivacyOfficer.objects.create(user=officer)
    reviewer = make_user("ben.skinner@example.test")
    world.skin_doctor.user = reviewer
    world.skin_doctor.save(update_fields=["user"])
    return History(member, chest, skin, upcoming, cancelled, officer, reviewer)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def references(node: Any) -> list[str]:
    """Every literal reference anywhere in a FHIR structure."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(references(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(references(value))
    return found


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def new_uuid() -> str:
    return str(uuid.uuid4())
