"""USE-5: booking shares with the booked practitioner and their facility what treatment needs,
through the decision point, so a restriction or a missing sensitive consent hides what it must."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer
from indigomed.directory.models import VisitReason
from indigomed.privacy.models import CareRelationship, Disclosure
from indigomed.privacy.office import decide_restriction
from indigomed.privacy.signing import request_restriction, sign_authorization
from indigomed.records.services import update_demographics
from indigomed.scheduling.models import Appointment
from indigomed.scheduling.services import book_appointment
from indigomed.security.models import AccessLogEntry
from tests.conftest import make_user
from tests.scheduling.helpers import open_slot


def calendar_rows(user, appointment) -> list[dict]:
    client = Client()
    client.force_login(user)
    day = appointment.starts_at.date().isoformat()
    return client.get("/api/connect/calendar", {"day": day, "days": 1}).json()


@pytest.fixture
def booked(world):
    return book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )


def test_booking_makes_the_practitioner_and_facility_part_of_the_members_care(world, booked) -> None:
    refs = set(CareRelationship.objects.filter(member=world.member).values_list("recipient_ref", flat=True))
    assert refs == {f"practitioner:{world.heart_doctor.pk}", f"facility:{world.ny_clinic.pk}"}


def test_the_booked_practitioner_sees_who_why_and_how_they_pay_and_each_read_is_ledgered(world, booked) -> None:
    [row] = calendar_rows(world.doctor_user, booked)
    assert (row["patient"], row["visit_reason"], row["insurance"], row["withheld"]) == (
        "Pat Member",
        "Chest pain",
        "Aetna HMO",
        [],
    )
    entries = list(
        Disclosure.objects.filter(member_id=world.member.pk).values_list("recipient_ref", "purpose", "in_accounting")
    )
    assert entries == [(f"practitioner:{world.heart_doctor.pk}", "treatment", False)]
    [row] = calendar_rows(world.staff_user, booked)
    assert row["patient"] == "Pat Member"
    assert Disclosure.objects.filter(recipient_ref=f"facility:{world.ny_clinic.pk}").count() == 1


def test_a_restricted_insurance_plan_is_hidden_from_the_booked_practitioner(world, booked) -> None:
    officer = make_user("officer@example.test")
    PrivacyOfficer.objects.create(user=officer)
    restriction = request_restriction(
        signed_name="Pat Example Member",
        explicit_consent=True,
        actor=world.member,
        categories=["insurance"],
        purposes=["treatment"],
        recipient_ref=f"practitioner:{world.heart_doctor.pk}",
    )
    decide_restriction(officer=officer, public_id=str(restriction.public_id), accept=True)
    [row] = calendar_rows(world.doctor_user, booked)
    assert row["insurance"] is None
    assert row["withheld"] == ["Insurance: The member restricted this use or disclosure."]
    assert row["patient"] == "Pat Member" and row["visit_reason"] == "Chest pain"
    page = Client()
    page.force_login(world.doctor_user)
    html = page.get("/connect/", {"day": booked.starts_at.date().isoformat()}).content.decode()
    assert "Aetna HMO" not in html and "restricted" in html


def test_an_ohio_members_mental_health_reason_waits_for_their_consent(world) -> None:
    update_demographics(member_id=world.member.pk, region="OH")
    world.heart_doctor.specialties.add(world.cardiology)
    anxious = VisitReason.objects.create(
        slug="anxiety", name="Anxiety", specialty=world.cardiology, tags=["mental_health"]
    )
    appointment = book_appointment(
        actor=world.member, slot_id=open_slot(world.heart_role).pk, visit_reason=anxious.slug, insurance_plan=None
    )
    [row] = calendar_rows(world.doctor_user, appointment)
    assert row["visit_reason"] is None
    assert "Ohio law requires the member's consent" in row["withheld"][0]
    # Which protected kind the reason is of is what the consent protects: not said, not stored.
    assert "mental" not in row["withheld"][0].lower()
    assert not AccessLogEntry.objects.filter(rule__icontains="mental").exists()
    assert AccessLogEntry.objects.filter(
        member_id=world.member.pk, allowed=False, rule="consent-required:sensitive@us-oh"
    )
    sign_authorization(
        actor=world.member,
        recipient_ref=f"practitioner:{world.heart_doctor.pk}",
        recipient_label="Dr. Ada Hart",
        purposes=["treatment"],
        categories=["medical"],
        tags=["mental_health"],
        information="My visit reason",
        signed_name="Pat Member Example",
        explicit_consent=True,
        expires_at=timezone.now() + dt.timedelta(days=90),
    )
    [row] = calendar_rows(world.doctor_user, appointment)
    assert row["visit_reason"] == "Anxiety"


def test_an_ohio_member_can_consent_while_booking_a_sensitive_reason(world) -> None:
    update_demographics(member_id=world.member.pk, region="OH")
    VisitReason.objects.create(slug="anxiety", name="Anxiety", specialty=world.cardiology, tags=["mental_health"])
    member = Client()
    member.force_login(world.member)
    slot = open_slot(world.heart_role)
    page = member.get(f"/book/{slot.pk}/").content.decode()
    assert "Anxiety *" in page and "Mental health services" in page
    # A consent without a typed full name is explained and nothing is booked.
    response = member.post(f"/book/{slot.pk}/", {"visit_reason": "anxiety", "consent": "on", "signed_name": "Pat"})
    assert response.status_code == 400
    response = member.post(
        f"/book/{slot.pk}/", {"visit_reason": "anxiety", "consent": "on", "signed_name": "Pat Member Example"}
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(slot=slot)
    [row] = calendar_rows(world.doctor_user, appointment)
    assert row["visit_reason"] == "Anxiety" and row["withheld"] == []


def test_booking_a_sensitive_reason_without_consent_books_and_withholds_the_reason(world) -> None:
    update_demographics(member_id=world.member.pk, region="OH")
    VisitReason.objects.create(slug="anxiety", name="Anxiety", specialty=world.cardiology, tags=["mental_health"])
    member = Client()
    member.force_login(world.member)
    slot = open_slot(world.heart_role)
    assert member.post(f"/book/{slot.pk}/", {"visit_reason": "anxiety"}).status_code == 302
    appointment = Appointment.objects.get(slot=slot)
    [row] = calendar_rows(world.doctor_user, appointment)
    assert row["visit_reason"] is None
