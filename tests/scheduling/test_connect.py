"""BOOK-4: the practice sees its calendar and moves visits through their lifecycle."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from indigomed.records.models import MedicalEntry
from indigomed.records.queries import visit_history_for
from indigomed.scheduling.models import Appointment
from indigomed.scheduling.services import book_appointment
from tests.scheduling.helpers import open_slot, past_slot


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def booked(world) -> Appointment:
    return book_appointment(
        actor=world.member, slot_id=open_slot(world.heart_role).pk, visit_reason="chest-pain", insurance_plan=None
    )


def mark(client: Client, appointment: Appointment, status: str):
    return client.post(
        f"/api/connect/appointments/{appointment.public_id}/status",
        json.dumps({"status": status}),
        content_type="application/json",
    )


def test_the_practitioner_and_the_front_desk_see_the_week(world, booked) -> None:
    day = booked.starts_at.date().isoformat()
    for user in (world.doctor_user, world.staff_user):
        page = client_for(user).get("/connect/", {"view": "week", "day": day})
        assert page.status_code == 200
        assert str(booked.public_id) in page.content.decode()
        api = client_for(user).get("/api/connect/calendar", {"day": day, "days": 1}).json()
        assert [a["id"] for a in api] == [str(booked.public_id)]


def test_people_outside_the_practice_see_nothing(world, booked) -> None:
    day = booked.starts_at.date().isoformat()
    for user in (world.member, world.outsider):
        assert client_for(user).get("/connect/").status_code == 403
        # The API refuses as the page does, rather than answering an empty calendar.
        assert client_for(user).get("/api/connect/calendar", {"day": day}).status_code == 403
        assert mark(client_for(user), booked, "checked_in").status_code == 404
    assert Client().get("/api/connect/calendar").status_code == 401
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_check_in_then_complete_keeps_the_visit_in_the_members_history(world, booked) -> None:
    """BOOK-4: a completed visit becomes medical history (doctor, facility, reason, date)."""
    desk = client_for(world.staff_user)
    assert mark(desk, booked, "checked_in").json()["status"] == "checked_in"
    assert mark(client_for(world.doctor_user), booked, "completed").json()["status"] == "completed"
    [record] = visit_history_for(world.member.pk)
    assert record.visit_date == booked.starts_at.astimezone(ZoneInfo("America/New_York")).date()
    assert (record.practitioner_name, record.facility_name, record.reason) == (
        "Dr. Ada Hart",
        "Hudson Clinic",
        "Chest pain",
    )
    page = client_for(world.member).get("/appointments/").content.decode()
    assert "Visit history" in page and "Hudson Clinic: Chest pain" in page


def test_the_lifecycle_refuses_impossible_moves(world, booked) -> None:
    doctor = client_for(world.doctor_user)
    response = mark(doctor, booked, "no_show")
    assert response.status_code == 409, "a visit that has not started is not a no-show"
    client_for(world.member).post(f"/api/appointments/{booked.public_id}/cancel")
    response = mark(doctor, booked, "completed")
    assert response.status_code == 409
    assert "cannot become completed" in response.json()["detail"]
    assert mark(doctor, booked, "cancelled").status_code == 422
    assert not MedicalEntry.objects.exists()


def test_a_visit_that_started_without_the_patient_is_a_no_show(world) -> None:
    slot = past_slot(world.heart_role)
    appointment = Appointment.objects.create(
        member=world.member,
        slot=slot,
        role=slot.role,
        visit_type=slot.visit_type,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    response = mark(client_for(world.doctor_user), appointment, "no_show")
    assert response.json()["status"] == "no_show"


def test_the_calendar_page_marks_a_visit(world, booked) -> None:
    desk = client_for(world.staff_user)
    response = desk.post(
        f"/connect/appointments/{booked.public_id}/status", {"status": "checked_in", "back": "/connect/"}
    )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == "checked_in"
