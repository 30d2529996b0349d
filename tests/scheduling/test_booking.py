"""BOOK-2 and BOOK-3: booking, the slot that cannot be taken twice, cancel, reschedule, .ics."""

from __future__ import annotations

import json

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indigomed.scheduling.models import Appointment, Slot
from tests.scheduling.helpers import open_slot, past_slot, soon_slot

API = "/api/appointments"


def book(client: Client, slot: Slot, reason: str = "chest-pain", plan: str | None = "aetna-hmo"):
    body = {"slot_id": slot.pk, "visit_reason": reason, "insurance_plan": plan}
    return client.post(API, json.dumps(body), content_type="application/json")


def snapshot() -> tuple:
    return (
        list(Appointment.objects.order_by("pk").values_list("pk", "status", "slot_id")),
        list(Slot.objects.filter(is_open=False).order_by("pk").values_list("pk", flat=True)),
    )


def test_a_member_books_an_open_slot_and_sees_it_in_my_appointments(world, member_client) -> None:
    """BOOK-2"""
    slot = open_slot(world.heart_role)
    response = book(member_client, slot)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "booked"
    assert body["practitioner"] == "Dr. Ada Hart"
    assert body["visit_reason"] == "Chest pain"
    assert body["insurance_plan"] == "Aetna HMO"
    slot.refresh_from_db()
    assert slot.is_open is False
    listed = member_client.get(API).json()
    assert [a["id"] for a in listed] == [body["id"]]
    page = member_client.get("/appointments/")
    assert "Dr. Ada Hart" in page.content.decode()


def test_my_appointments_reads_the_same_few_statements_for_one_visit_or_three(
    world, member_client, django_assert_max_num_queries
) -> None:
    """BOOK-2: the list is read in one go, whatever it holds; each entry shows what it did before."""
    assert book(member_client, open_slot(world.heart_role)).status_code == 201
    with CaptureQueriesContext(connection) as one:
        member_client.get(API)
    statements = len(one)
    assert book(member_client, open_slot(world.skin_role, index=4), reason="acne", plan=None).status_code == 201
    assert book(member_client, open_slot(world.paris_role, index=3), plan=None).status_code == 201
    with django_assert_max_num_queries(statements):
        listed = member_client.get(API).json()
    assert len(listed) == 3
    first = next(a for a in listed if a["insurance_plan"])
    assert (
        first["practitioner"] == "Dr. Ada Hart"
        and first["facility"]
        and first["address"]
        and first["timezone"]
        and first["visit_type"]
    )
    assert first["visit_reason"] == "Chest pain" and first["insurance_plan"] == "Aetna HMO"
    assert first["can_change_until"] < first["starts_at"]


def test_the_web_form_books_and_lands_on_the_appointment(world, member_client) -> None:
    slot = open_slot(world.heart_role)
    response = member_client.post(f"/book/{slot.pk}/", {"visit_reason": "chest-pain", "insurance_plan": ""})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert response["Location"] == f"/appointments/{appointment.public_id}/"
    assert member_client.get(f"/api/appointments/{appointment.public_id}").json()["insurance_plan"] is None


def test_a_slot_already_booked_is_refused_clearly_with_the_next_open_times(world, member_client) -> None:
    """BOOK-2: the loser gets 409 'no longer available' and the next open slots, never a 500."""
    slot = open_slot(world.heart_role)
    assert book(member_client, slot).status_code == 201
    other = Client()
    other.force_login(world.other_member)
    before = snapshot()
    response = book(other, slot)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_taken"
    assert "no longer available" in body["detail"]
    assert len(body["next_slots"]) >= 1
    assert all(s["id"] != slot.pk for s in body["next_slots"])
    assert snapshot() == before


def test_the_database_itself_refuses_a_second_active_appointment_on_a_slot(world) -> None:
    """BOOK-2: the guarantee is a constraint, not a Python check."""
    from django.db import IntegrityError, transaction

    slot = open_slot(world.heart_role)
    fields = dict(
        slot=slot,
        role=slot.role,
        visit_type=slot.visit_type,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    Appointment.objects.create(member=world.member, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(member=world.other_member, **fields)
    # A cancelled booking does not hold the slot.
    Appointment.objects.filter(slot=slot).update(status="cancelled")
    Appointment.objects.create(member=world.other_member, **fields)


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"slot_id": 999999999}, 404, "time slot"),
        ({"visit_reason": "no-such-reason"}, 404, "visit reason"),
        ({"visit_reason": "acne"}, 400, "does not see patients"),
        ({"insurance_plan": "cigna-oap"}, 400, "does not accept"),
        ({"insurance_plan": "unknown-plan"}, 404, "insurance plan"),
        ({"slot_id": "abc"}, 422, ""),
        ({"slot_id": -4}, 422, ""),
    ],
)
def test_bad_booking_input_gets_a_clear_4xx_and_changes_nothing(world, member_client, change, status, fragment) -> None:
    slot = open_slot(world.heart_role)
    body = {"slot_id": slot.pk, "visit_reason": "chest-pain", "insurance_plan": "aetna-hmo", **change}
    before = snapshot()
    response = member_client.post(API, json.dumps(body), content_type="application/json")
    assert response.status_code == status
    assert fragment in response.json()["detail"] if fragment else "detail" in response.json()
    assert snapshot() == before


def test_a_slot_in_the_past_cannot_be_booked(world, member_client) -> None:
    response = book(member_client, past_slot(world.heart_role))
    assert response.status_code == 400
    assert "already passed" in response.json()["detail"]
    assert not Appointment.objects.exists()


def test_booking_needs_a_signed_in_member(world) -> None:
    slot = open_slot(world.heart_role)
    assert book(Client(), slot).status_code == 401
    staff = Client()
    staff.force_login(world.staff_user)
    assert book(staff, slot).status_code == 403
    assert not Appointment.objects.exists()


def test_malformed_and_oversized_payloads_are_refused(world, member_client) -> None:
    assert member_client.post(API, "{not json", content_type="application/json").status_code in (400, 422)
    huge = json.dumps({"slot_id": 1, "visit_reason": "x" * 200_000})
    response = member_client.post(API, huge, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_a_member_never_sees_or_changes_another_members_appointment(world, member_client) -> None:
    slot = open_slot(world.heart_role)
    appointment_id = book(member_client, slot).json()["id"]
    other = Client()
    other.force_login(world.other_member)
    for url in (
        f"{API}/{appointment_id}",
        f"{API}/{appointment_id}/ics",
        f"/appointments/{appointment_id}/",
        f"/appointments/{appointment_id}/calendar.ics",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(f"{API}/{appointment_id}/cancel").status_code == 404
    assert other.post(f"/appointments/{appointment_id}/cancel").status_code == 404
    assert Appointment.objects.get(public_id=appointment_id).status == "booked"
    assert other.get(API).json() == []


def test_cancel_frees_the_slot_for_someone_else(world, member_client) -> None:
    """BOOK-3"""
    slot = open_slot(world.heart_role)
    appointment_id = book(member_client, slot).json()["id"]
    response = member_client.post(f"{API}/{appointment_id}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    slot.refresh_from_db()
    assert slot.is_open
    other = Client()
    other.force_login(world.other_member)
    assert book(other, slot).status_code == 201


def test_cancelling_inside_the_practice_cut_off_is_refused(world, member_client) -> None:
    """BOOK-3: the Hudson Clinic takes no online changes within 24 hours."""
    appointment_id = book(member_client, soon_slot(world.heart_role)).json()["id"]
    response = member_client.post(f"{API}/{appointment_id}/cancel")
    assert response.status_code == 409
    assert "24 hours" in response.json()["detail"]
    assert Appointment.objects.get(public_id=appointment_id).status == "booked"


def test_reschedule_moves_the_booking_and_frees_the_old_slot(world, member_client) -> None:
    """BOOK-3"""
    old, new = open_slot(world.heart_role, index=0), open_slot(world.heart_role, index=3)
    appointment_id = book(member_client, old).json()["id"]
    response = member_client.post(
        f"{API}/{appointment_id}/reschedule", json.dumps({"slot_id": new.pk}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    moved = response.json()
    assert moved["starts_at"].startswith(new.starts_at.strftime("%Y-%m-%dT%H:%M"))
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.is_open and not new.is_open
    statuses = dict(Appointment.objects.values_list("slot_id", "status"))
    assert statuses == {old.pk: "cancelled", new.pk: "booked"}


def test_reschedule_to_a_taken_slot_keeps_the_original(world, member_client) -> None:
    old, taken = open_slot(world.heart_role, index=0), open_slot(world.heart_role, index=1)
    appointment_id = book(member_client, old).json()["id"]
    other = Client()
    other.force_login(world.other_member)
    assert book(other, taken).status_code == 201
    before = snapshot()
    response = member_client.post(
        f"{API}/{appointment_id}/reschedule", json.dumps({"slot_id": taken.pk}), content_type="application/json"
    )
    assert response.status_code == 409
    assert snapshot() == before


def test_reschedule_to_another_practitioner_is_refused(world, member_client) -> None:
    appointment_id = book(member_client, open_slot(world.heart_role)).json()["id"]
    response = member_client.post(
        f"{API}/{appointment_id}/reschedule",
        json.dumps({"slot_id": open_slot(world.skin_role).pk}),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_the_ics_file_reads_back_with_the_right_times_and_zone(world, member_client) -> None:
    """BOOK-3: a real iCalendar parser reads the same instant in the facility's zone."""
    slot = open_slot(world.paris_role)
    appointment_id = book(member_client, slot, reason="chest-pain", plan="mgen-reference").json()["id"]
    response = member_client.get(f"/appointments/{appointment_id}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    event = next(iter(calendar.walk("VEVENT")))
    start = event.decoded("dtstart")
    assert start == slot.starts_at
    assert str(start.tzinfo) == "Europe/Paris"
    assert event.decoded("dtend") == slot.ends_at
    assert any(tz["TZID"] == "Europe/Paris" for tz in calendar.walk("VTIMEZONE"))
    assert "Chest pain" not in response.content.decode()


def test_why_a_member_booked_and_how_they_pay_are_stored_sealed(world, member_client) -> None:
    """PI-3: the calendar keeps who is booked when; the reason and the plan are sealed member data."""
    from django.db import connection

    body = book(member_client, open_slot(world.heart_role)).json()
    assert body["visit_reason"] == "Chest pain"
    with connection.cursor() as cursor:
        for table in ("scheduling_appointment", "records_bookingdetails"):
            cursor.execute(f"SELECT * FROM {table}")
            stored = repr(cursor.fetchall())
            assert "Chest pain" not in stored and "chest-pain" not in stored and "aetna" not in stored.lower()
    assert member_client.get(f"{API}/{body['id']}").json()["insurance_plan"] == "Aetna HMO"
