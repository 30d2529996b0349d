"""BOOK-1: the practice blocks time off and opens extra hours, in the facility's local time."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from indigomed.scheduling.models import AvailabilityException, Slot
from tests.scheduling.helpers import open_slot

NEW_YORK = ZoneInfo("America/New_York")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def next_local_evening(days: int = 5) -> tuple[dt.datetime, dt.datetime]:
    day = (timezone.now().astimezone(NEW_YORK) + dt.timedelta(days=days)).date()
    return (
        dt.datetime.combine(day, dt.time(18, 0), tzinfo=NEW_YORK),
        dt.datetime.combine(day, dt.time(19, 0), tzinfo=NEW_YORK),
    )


def test_extra_hours_open_new_slots_that_search_and_booking_see(world) -> None:
    starts, ends = next_local_evening()
    visit_type = world.heart_role.visit_types.get()
    response = post(
        client_for(world.doctor_user),
        f"/api/connect/roles/{world.heart_role.pk}/extra-hours",
        {"starts_at": starts.isoformat(), "ends_at": ends.isoformat(), "visit_type_id": visit_type.pk},
    )
    assert response.status_code == 201, response.content
    evening = Slot.objects.filter(role=world.heart_role, starts_at__gte=starts, starts_at__lt=ends, is_open=True)
    assert [s.starts_at.astimezone(NEW_YORK).strftime("%H:%M") for s in evening.order_by("starts_at")] == [
        "18:00",
        "18:30",
    ]


def test_time_off_closes_the_open_slots_it_covers(world) -> None:
    slot = open_slot(world.heart_role, index=2)
    response = post(
        client_for(world.staff_user),
        f"/api/connect/roles/{world.heart_role.pk}/time-off",
        {"starts_at": slot.starts_at.isoformat(), "ends_at": (slot.ends_at + dt.timedelta(minutes=30)).isoformat()},
    )
    assert response.status_code == 201
    assert (
        not Slot.objects.filter(role=world.heart_role, starts_at__gte=slot.starts_at, is_open=True)
        .filter(starts_at__lt=slot.ends_at + dt.timedelta(minutes=30))
        .exists()
    )


def test_only_the_practice_changes_a_calendar(world) -> None:
    starts, ends = next_local_evening()
    body = {"starts_at": starts.isoformat(), "ends_at": ends.isoformat()}
    for user in (world.member, world.outsider):
        assert post(client_for(user), f"/api/connect/roles/{world.heart_role.pk}/time-off", body).status_code == 404
    # Ben Skinner's calendar is at the same clinic: the front desk runs it, Ada Hart does not.
    assert (
        post(client_for(world.doctor_user), f"/api/connect/roles/{world.skin_role.pk}/time-off", body).status_code
        == 404
    )
    assert (
        post(client_for(world.staff_user), f"/api/connect/roles/{world.skin_role.pk}/time-off", body).status_code == 201
    )
    assert AvailabilityException.objects.count() == 1


def test_bad_windows_are_explained(world) -> None:
    starts, ends = next_local_evening()
    doctor = client_for(world.doctor_user)
    url = f"/api/connect/roles/{world.heart_role.pk}/time-off"
    backwards = post(doctor, url, {"starts_at": ends.isoformat(), "ends_at": starts.isoformat()})
    assert backwards.status_code == 400 and "after its start" in backwards.json()["detail"]
    too_long = post(
        doctor, url, {"starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(days=400)).isoformat()}
    )
    assert too_long.status_code == 400
    assert post(doctor, url, {"starts_at": "tomorrow", "ends_at": ends.isoformat()}).status_code == 422
    other_type = world.paris_role.visit_types.get()
    wrong_type = post(
        doctor,
        f"/api/connect/roles/{world.heart_role.pk}/extra-hours",
        {"starts_at": starts.isoformat(), "ends_at": ends.isoformat(), "visit_type_id": other_type.pk},
    )
    assert wrong_type.status_code == 404
    assert not AvailabilityException.objects.exists()


def test_the_connect_page_reads_times_in_the_facilitys_zone(world) -> None:
    starts, ends = next_local_evening(days=6)
    response = client_for(world.doctor_user).post(
        "/connect/availability",
        {
            "kind": "extra_hours",
            "calendar": world.heart_role.pk,
            "visit_type": world.heart_role.visit_types.get().pk,
            "starts": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends": ends.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    exception = AvailabilityException.objects.get()
    assert exception.starts_at == starts
    assert exception.starts_at.astimezone(dt.UTC).hour in (22, 23)  # 18:00 in New York


def test_extra_hours_inside_time_off_are_refused_rather_than_reported_open(world) -> None:
    """BOOK-1: hours in which nothing can be booked are not "opened"; the calendar stays as it was."""
    starts, ends = next_local_evening()
    visit_type = world.heart_role.visit_types.get()
    doctor = client_for(world.doctor_user)
    off = post(
        doctor,
        f"/api/connect/roles/{world.heart_role.pk}/time-off",
        {
            "starts_at": (starts - dt.timedelta(hours=1)).isoformat(),
            "ends_at": (ends + dt.timedelta(hours=1)).isoformat(),
        },
    )
    assert off.status_code == 201
    before = AvailabilityException.objects.count(), Slot.objects.count()
    response = post(
        doctor,
        f"/api/connect/roles/{world.heart_role.pk}/extra-hours",
        {"starts_at": starts.isoformat(), "ends_at": ends.isoformat(), "visit_type_id": visit_type.pk},
    )
    assert response.status_code == 400
    assert "fits in these hours: they fall in time off" in response.json()["detail"]
    assert (AvailabilityException.objects.count(), Slot.objects.count()) == before
