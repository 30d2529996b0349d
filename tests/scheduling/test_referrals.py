"""BOOK-5: a practitioner books, for a member they treat, an appointment with another practitioner."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from indigomed.privacy.models import CareRelationship, Disclosure
from indigomed.scheduling.models import Appointment, Referral
from indigomed.scheduling.services import book_appointment
from indigomed.security.models import AccessLogEntry, AuditEvent
from tests.conftest import address_of
from tests.scheduling.helpers import open_slot


@pytest.fixture
def visit(world):
    return book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )


def referral_slot(role, index: int = 0):
    """A time well after the visit the referral comes from (a member holds no two overlapping visits)."""
    return open_slot(role, after_hours=120, index=index)


def refer(user, visit, slot, reason="acne"):
    client = Client()
    client.force_login(user)
    body = {"from_appointment": str(visit.public_id), "slot_id": slot.pk, "visit_reason": reason}
    return client.post("/api/connect/referrals", json.dumps(body), content_type="application/json")


def test_a_referral_books_for_the_member_tells_them_and_shares_the_minimum_on_the_ledger(
    world, visit, django_capture_on_commit_callbacks
) -> None:
    slot = referral_slot(world.skin_role)
    with django_capture_on_commit_callbacks(execute=True):
        response = refer(world.doctor_user, visit, slot)
    assert response.status_code == 201, response.content
    booked = Appointment.objects.get(public_id=response.json()["appointment_id"])
    assert (booked.member, booked.slot) == (world.member, slot)
    assert response.json()["practitioner"] == "Dr. Ben Skinner"
    assert Referral.objects.get().from_appointment == visit
    # The member sees it under My appointments and is told, without medical detail in the subject.
    member = Client()
    member.force_login(world.member)
    assert str(booked.public_id) in {a["id"] for a in member.get("/api/appointments").json()}
    [message] = [m for m in mail.outbox if address_of(world.member) in m.to]
    assert "Dr. Ben Skinner" in message.body and "Acne" not in message.subject + message.body
    # The receiving practitioner joins the care team and receives contact and reason, on the ledger.
    assert CareRelationship.objects.filter(
        member=world.member, recipient_ref=f"practitioner:{world.skin_doctor.pk}"
    ).exists()
    shared = Disclosure.objects.filter(member_id=world.member.pk, recipient_ref=f"practitioner:{world.skin_doctor.pk}")
    assert shared.count() == 1
    assert (shared.get().categories, shared.get().purpose) == ("contact,medical", "treatment")


def test_only_the_treating_practice_can_refer(world, visit) -> None:
    slot = referral_slot(world.skin_role)
    for user in (world.member, world.outsider):
        assert refer(user, visit, slot).status_code in (401, 404)
    assert not Referral.objects.exists()
    assert Appointment.objects.count() == 1


def test_a_referral_to_a_taken_slot_is_refused_clearly_and_changes_nothing(world, visit) -> None:
    slot = referral_slot(world.skin_role)
    book_appointment(actor=world.other_member, slot_id=slot.pk, visit_reason="acne", insurance_plan=None)
    response = refer(world.staff_user, visit, slot)
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    assert not Referral.objects.exists()


def test_the_connect_referral_page_lists_nearby_times_and_books_one(world, visit) -> None:
    desk = Client()
    desk.force_login(world.staff_user)
    page = desk.get(f"/connect/appointments/{visit.public_id}/refer", {"what": "dermatology"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dr. Ben Skinner" in html
    slot = referral_slot(world.skin_role)
    response = desk.post(f"/connect/appointments/{visit.public_id}/refer", {"slot_id": slot.pk, "visit_reason": "acne"})
    assert response.status_code == 302
    assert Referral.objects.get().to_appointment.slot == slot
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(f"/connect/appointments/{visit.public_id}/refer").status_code == 404


def test_the_practitioner_who_referred_is_the_actor_of_everything_the_referral_records(
    world, visit, django_capture_on_commit_callbacks
) -> None:
    """BOOK-5: the member did not book this appointment; the practitioner who referred did, for them."""
    before = set(AccessLogEntry.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert refer(world.doctor_user, visit, referral_slot(world.skin_role)).status_code == 201
    referral = Referral.objects.get()
    assert (referral.referred_by, referral.member, referral.to_appointment.member) == (
        world.doctor_user,
        world.member,
        world.member,
    )
    written = AccessLogEntry.objects.exclude(pk__in=before)
    # What the receiving practitioner got, and the member's address opened to tell them.
    assert {entry.recipient_ref for entry in written} == {
        f"practitioner:{world.skin_doctor.pk}",
        f"member:{world.member.pk}",
    }
    assert {entry.actor_user_id for entry in written} == {world.doctor_user.pk}


def test_a_practice_cannot_fill_a_colleagues_calendar_with_one_patient(world, visit, settings) -> None:
    """BOOK-2, BOOK-5: referrals count against the member's limits as their own bookings do."""
    settings.INDIGOMED = {**settings.INDIGOMED, "BOOKING_LIMIT_PER_PRACTITIONER": 2}
    slots = [referral_slot(world.skin_role, index=i) for i in range(3)]
    assert [refer(world.doctor_user, visit, slot).status_code for slot in slots[:2]] == [201, 201]
    response = refer(world.doctor_user, visit, slots[2])
    assert response.status_code == 409
    assert response.json()["code"] == "booking_limit"
    assert Referral.objects.count() == 2
    assert not Appointment.objects.filter(slot=slots[2]).exists()


def test_the_booking_a_referral_makes_is_the_referring_practitioners_act(world, visit) -> None:
    """BOOK-5, DESIGN 2c: the audit event names the practitioner who referred, and the member by reference."""
    assert refer(world.doctor_user, visit, referral_slot(world.skin_role)).status_code == 201
    booked = Referral.objects.get().to_appointment
    event = AuditEvent.objects.get(subject_ref=f"appointment:{booked.public_id}")
    assert (event.action, event.actor_user_id, event.member_id) == (
        "booking.created",
        world.doctor_user.pk,
        world.member.pk,
    )
