"""BOOK-1, BOOK-2, BOOK-4, BOOK-5: ids that are not whole numbers and dates at the edges of the
calendar get a clear refusal and change nothing; none of them is a server error."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.scheduling.models import Slot
from indigomed.scheduling.services import book_appointment
from tests.scheduling.helpers import calendar_snapshot, open_slot

EDGES = ("0001-01-01", "9999-12-31")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def visit(world):
    return book_appointment(
        actor=world.member, slot_id=open_slot(world.heart_role).pk, visit_reason="chest-pain", insurance_plan=None
    )


@pytest.mark.parametrize("fake_id", [True, 1.0, "1", [1], None])
def test_a_slot_id_that_is_not_a_whole_number_books_nothing(world, member_client, visit, fake_id) -> None:
    """BOOK-2: `true` is not slot 1, in a booking, a move, a referral or extra hours."""
    before = calendar_snapshot()
    book = post(member_client, "/api/appointments", {"slot_id": fake_id, "visit_reason": "chest-pain"})
    move = post(member_client, f"/api/appointments/{visit.public_id}/reschedule", {"slot_id": fake_id})
    doctor = client_for(world.doctor_user)
    refer = post(
        doctor,
        "/api/connect/referrals",
        {"from_appointment": str(visit.public_id), "slot_id": fake_id, "visit_reason": "acne"},
    )
    starts = timezone.now() + dt.timedelta(days=3)
    extra = post(
        doctor,
        f"/api/connect/roles/{world.heart_role.pk}/extra-hours",
        {
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=1)).isoformat(),
            "visit_type_id": fake_id,
        },
    )
    for response, field in ((book, "slot_id"), (move, "slot_id"), (refer, "slot_id"), (extra, "visit_type_id")):
        assert response.status_code == 422, response.content
        assert field in json.dumps(response.json()["detail"])
    assert calendar_snapshot() == before


def test_a_member_is_refused_connects_calendar_over_the_api_as_on_its_pages(world, member_client) -> None:
    """BOOK-4: Connect is for practices; a member gets 403 from the API as from the page, not an empty list."""
    response = member_client.get("/api/connect/calendar")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Connect is for practices: this account does not run a practitioner's calendar.",
        "code": "forbidden",
    }
    assert member_client.get("/connect/").status_code == 403
    assert client_for(world.doctor_user).get("/api/connect/calendar").status_code == 200


def test_open_times_asked_for_at_the_edges_of_time_are_refused_or_empty(world) -> None:
    """BOOK-1: anyone may ask; far beyond the horizon is explained, wholly past is simply empty."""
    url = f"/api/roles/{world.heart_role.pk}/slots"
    far = Client().get(url, {"start": "9999-12-31T00:00:00Z"})
    assert far.status_code == 400
    assert far.json() == {
        "detail": "Open times are shown up to 28 days ahead. Ask for an earlier start.",
        "code": "invalid",
    }
    assert Client().get(url, {"start": "0001-01-01T00:00:00+14:00"}).json() == []
    long = Client().get(url, {"start": timezone.now().isoformat(), "end": "9999-12-31T23:59:59Z"})
    assert long.status_code == 400
    assert "at most 31 days" in long.json()["detail"]


@pytest.mark.parametrize("day", EDGES)
def test_the_practice_calendar_at_the_edges_of_time_is_refused_with_a_message(world, day) -> None:
    """BOOK-4: the API says why; the page says why and shows today instead."""
    doctor = client_for(world.doctor_user)
    api = doctor.get("/api/connect/calendar", {"day": day, "days": 7})
    assert api.status_code == 400
    assert api.json() == {"detail": "Choose a day within ten years of today.", "code": "invalid"}
    for view in ("day", "week"):
        page = doctor.get("/connect/", {"day": day, "view": view})
        assert page.status_code == 400
        assert "Choose a day within ten years of today." in page.content.decode()


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        ("0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z", "must end in the future"),
        ("0001-01-01T00:00:00+14:00", "0001-01-01T01:00:00+14:00", "must end in the future"),
        ("9999-12-30T09:00:00Z", "9999-12-30T17:00:00Z", "within the calendar's next 28 days"),
        ("9999-12-31T00:00:00-12:00", "9999-12-31T23:00:00-12:00", "within the calendar's next 28 days"),
    ],
)
def test_time_off_and_extra_hours_at_the_edges_of_time_are_refused(world, starts, ends, message) -> None:
    """BOOK-1: windows lie within the calendar's horizon; nothing is stored, no slot is made."""
    doctor = client_for(world.doctor_user)
    base = f"/api/connect/roles/{world.heart_role.pk}"
    visit_type = world.heart_role.visit_types.get().pk
    before = calendar_snapshot()
    time_off = post(doctor, f"{base}/time-off", {"starts_at": starts, "ends_at": ends})
    extra = post(doctor, f"{base}/extra-hours", {"starts_at": starts, "ends_at": ends, "visit_type_id": visit_type})
    for response, what in ((time_off, "time off"), (extra, "extra hours")):
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "invalid"
        assert response.json()["detail"].startswith(f"The {what} ")
        assert message in response.json()["detail"]
    assert calendar_snapshot() == before
    assert not Slot.objects.filter(starts_at__year__gt=2100).exists()


def test_time_off_that_began_earlier_and_ends_later_is_accepted(world) -> None:
    """BOOK-1: time off may start in the past as long as it is not over."""
    now = timezone.now()
    response = post(
        client_for(world.staff_user),
        f"/api/connect/roles/{world.heart_role.pk}/time-off",
        {"starts_at": (now - dt.timedelta(days=2)).isoformat(), "ends_at": (now + dt.timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-30"])
def test_the_connect_page_refuses_time_off_at_the_edges_of_time(world, day) -> None:
    """BOOK-1: the page's form says why and stores nothing."""
    before = calendar_snapshot()
    response = client_for(world.doctor_user).post(
        "/connect/availability",
        {
            "kind": "extra_hours",
            "calendar": world.heart_role.pk,
            "visit_type": world.heart_role.visit_types.get().pk,
            "starts": f"{day}T09:00",
            "ends": f"{day}T17:00",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "The extra hours must end in the future" in text or "within the calendar&#x27;s next 28 days" in text
    assert calendar_snapshot() == before


def test_a_referral_to_a_slot_id_past_64_bits_is_refused_with_a_message(world, visit) -> None:
    """BOOK-5: an id no database can hold names no slot, on the page as over the API."""
    doctor = client_for(world.doctor_user)
    before = calendar_snapshot()
    huge = 2**70
    page = doctor.post(
        f"/connect/appointments/{visit.public_id}/refer", {"slot_id": str(huge), "visit_reason": "acne"}, follow=True
    )
    assert page.status_code == 200
    assert "We could not find that time slot." in page.content.decode()
    api = post(
        doctor,
        "/api/connect/referrals",
        {"from_appointment": str(visit.public_id), "slot_id": huge, "visit_reason": "acne"},
    )
    assert api.status_code == 422
    for calendar in (str(huge), "-1"):
        response = doctor.post(
            "/connect/availability",
            {"kind": "time_off", "calendar": calendar, "starts": "2030-01-01T09:00", "ends": "2030-01-01T10:00"},
            follow=True,
        )
        assert "Choose one of your calendars." in response.content.decode()
    assert calendar_snapshot() == before
