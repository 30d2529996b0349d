"""CHILD-3: a guardian books for their dependent; the visit is the dependent's, recorded as the guardian's act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.accounts.guardians import add_dependent
from indigomed.privacy.models import Disclosure
from indigomed.records.models import BookingDetails
from indigomed.scheduling.models import Appointment
from indigomed.security.models import AuditEvent
from tests.scheduling.helpers import open_slot

pytestmark = pytest.mark.django_db


def _child(world):
    today = timezone.localdate()
    dob = dt.date(today.year - 7, 3, 1)
    return add_dependent(actor=world.member, name="Lou Member", date_of_birth=dob, country="US").dependent


def test_a_guardian_books_for_their_child(world, member_client) -> None:
    """CHILD-3: the appointment, its details and the disclosures are the child's; the audit names the guardian."""
    child = _child(world)
    assert member_client.post(f"/me/dependents/{child.public_id}/act").status_code == 302
    page = member_client.get("/appointments/").content.decode()
    assert "You are acting for your dependent." in page
    slot = open_slot(world.heart_role)
    answer = member_client.post(f"/book/{slot.pk}/", {"visit_reason": "chest-pain", "insurance_plan": ""})
    assert answer.status_code == 302, answer.content
    appointment = Appointment.objects.get()
    assert appointment.member_id == child.pk
    assert BookingDetails.objects.filter(member_id=child.pk).count() == 1
    assert not BookingDetails.objects.filter(member_id=world.member.pk).exists()
    event = AuditEvent.objects.get(action="booking.created")
    assert (event.actor_user_id, event.member_id, event.details.get("on_behalf")) == (world.member.pk, child.pk, True)
    # The practitioner opening their calendar discloses the child's visit on the child's own ledger chain.
    doctor = Client()
    doctor.force_login(world.doctor_user)
    day = appointment.starts_at.date().isoformat()
    assert doctor.get("/api/connect/calendar", {"day": day, "days": 1}).status_code == 200
    assert Disclosure.objects.filter(member_id=child.pk).exists()
    assert not Disclosure.objects.filter(member_id=world.member.pk).exists()
    # Back on their own account, the guardian's own appointments hold nothing of the child's visit.
    assert member_client.post("/me/dependents/stop").status_code == 302
    assert member_client.get("/api/appointments").json() == []


def test_a_stranger_cannot_act_for_the_child(world) -> None:
    """CHILD-3: another member asking to act for someone else's dependent gets "not found"."""
    child = _child(world)
    stranger = Client()
    stranger.force_login(world.other_member)
    assert stranger.post(f"/me/dependents/{child.public_id}/act").status_code == 404
    assert stranger.get("/api/appointments").json() == []
