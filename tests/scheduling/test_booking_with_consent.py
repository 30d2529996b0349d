"""USE-4, USE-5, BOOK-2: booking with consent is one step, on the page and over the API alike: the
booking and the consent commit together, or neither does."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from indigomed.directory.models import VisitReason
from indigomed.errors import Invalid
from indigomed.privacy.models import Authorization
from indigomed.privacy.services import own_authorizations
from indigomed.records.services import update_demographics
from indigomed.scheduling.models import Appointment
from indigomed.scheduling.services import SignedConsent, book_appointment
from tests.conftest import make_user
from tests.scheduling.helpers import open_slot

API = "/api/appointments"


@pytest.fixture
def ohio_anxiety(world) -> VisitReason:
    update_demographics(member_id=world.member.pk, region="OH")
    return VisitReason.objects.create(
        slug="anxiety", name="Anxiety", specialty=world.cardiology, tags=["mental_health"]
    )


def book(client: Client, slot, reason: str, consent: dict | None = None):
    body: dict = {"slot_id": slot.pk, "visit_reason": reason}
    if consent is not None:
        body["consent"] = consent
    return client.post(API, json.dumps(body), content_type="application/json")


def doctors_view(world, appointment) -> dict:
    doctor = Client()
    doctor.force_login(world.doctor_user)
    day = appointment.starts_at.astimezone(ZoneInfo("America/New_York")).date().isoformat()
    [row] = doctor.get("/api/connect/calendar", {"day": day}).json()
    return row


def test_the_api_books_with_consent_in_one_call_and_the_practitioner_sees_the_reason(
    world, member_client, ohio_anxiety
) -> None:
    """USE-5: an Ohio member's mental-health reason reaches the practitioner they consented to."""
    slot = open_slot(world.heart_role)
    response = book(member_client, slot, "anxiety", {"explicit_consent": True, "signed_name": "Pat Member Example"})
    assert response.status_code == 201, response.content
    assert response.json()["visit_reason"] == "Anxiety"
    [consent] = own_authorizations(actor=world.member)
    assert (consent.recipient_label, consent.purposes, consent.categories, consent.tags, consent.signed_name) == (
        "Dr. Ada Hart",
        ["treatment"],
        ["medical"],
        ["mental_health"],
        "Pat Member Example",
    )
    assert Authorization.objects.get().recipient_ref == f"practitioner:{world.heart_doctor.pk}"
    appointment = Appointment.objects.get(public_id=response.json()["id"])
    assert doctors_view(world, appointment)["visit_reason"] == "Anxiety"


def test_without_consent_the_api_books_and_the_reason_stays_withheld(world, member_client, ohio_anxiety) -> None:
    """USE-5"""
    response = book(member_client, open_slot(world.heart_role), "anxiety")
    assert response.status_code == 201
    assert not Authorization.objects.exists()
    row = doctors_view(world, Appointment.objects.get(public_id=response.json()["id"]))
    assert row["visit_reason"] is None and "Ohio law requires the member's consent" in row["withheld"][0]


@pytest.mark.parametrize(
    ("consent", "status", "fragment"),
    [
        ({"explicit_consent": True, "signed_name": "Pat"}, 400, "full name"),
        ({"explicit_consent": False, "signed_name": "Pat Member Example"}, 400, "Tick the box"),
        ({"signed_name": "Pat Member Example"}, 422, "explicit_consent"),
    ],
)
def test_a_consent_not_properly_signed_books_nothing_and_signs_nothing(
    world, member_client, ohio_anxiety, consent, status, fragment
) -> None:
    """USE-4: signed means a typed full name and an explicit yes; bad input changes nothing."""
    response = book(member_client, open_slot(world.heart_role), "anxiety", consent)
    assert response.status_code == status, response.content
    assert fragment in response.content.decode()
    assert not Appointment.objects.exists() and not Authorization.objects.exists()


def test_a_consent_signed_for_a_slot_someone_else_took_is_not_kept(world, member_client, ohio_anxiety) -> None:
    """BOOK-2, USE-4: the booking and its consent commit together, or neither does."""
    slot = open_slot(world.heart_role)
    book_appointment(actor=world.other_member, slot_id=slot.pk, visit_reason="chest-pain", insurance_plan=None)
    response = book(member_client, slot, "anxiety", {"explicit_consent": True, "signed_name": "Pat Member Example"})
    assert response.status_code == 409
    assert not Authorization.objects.filter(member=world.member).exists()


def test_a_consent_given_with_a_reason_that_needs_none_is_not_recorded(world, member_client, ohio_anxiety) -> None:
    """USE-4: there is nothing to consent to, so nothing is signed in the member's name."""
    response = book(
        member_client,
        open_slot(world.heart_role),
        "chest-pain",
        {"explicit_consent": True, "signed_name": "Pat Member Example"},
    )
    assert response.status_code == 201
    assert not Authorization.objects.exists()


def test_the_page_books_with_consent_through_the_same_single_step(world, ohio_anxiety) -> None:
    """USE-5: the page's consent lasts a year from the visit and names the booked practitioner."""
    member = Client()
    member.force_login(world.member)
    slot = open_slot(world.heart_role)
    response = member.post(
        f"/book/{slot.pk}/", {"visit_reason": "anxiety", "consent": "on", "signed_name": "Pat Member Example"}
    )
    assert response.status_code == 302
    [consent] = Authorization.objects.filter(member=world.member)
    assert consent.expires_at == slot.starts_at + dt.timedelta(days=365)
    assert consent.recipient_label == "Dr. Ada Hart"


def test_someone_who_is_not_a_member_cannot_book_with_consent(world, ohio_anxiety) -> None:
    """USE-4: only a member signs for themself."""
    client = Client()
    client.force_login(make_user("not.a.member@example.test"))
    response = book(client, open_slot(world.heart_role), "anxiety", {"explicit_consent": True, "signed_name": "A B"})
    assert response.status_code == 403
    assert not Authorization.objects.exists()


def test_a_practice_booking_for_a_member_cannot_consent_in_their_name(world, ohio_anxiety) -> None:
    """USE-4, BOOK-5: a consent is the member's own signature, never the referring practice's."""
    with pytest.raises(Invalid, match="Only the member signs"):
        book_appointment(
            actor=world.doctor_user,
            for_member=world.member,
            slot_id=open_slot(world.heart_role).pk,
            visit_reason="anxiety",
            insurance_plan=None,
            consent=SignedConsent(signed_name="Ada Hart"),
        )
    assert not Appointment.objects.exists() and not Authorization.objects.exists()
