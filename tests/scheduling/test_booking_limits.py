"""BOOK-2: one member cannot hold a practitioner's calendar, be in two places at once, or hammer booking."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.messaging.models import Message
from indigomed.scheduling.limits import forget_ended_counts
from indigomed.scheduling.models import Appointment, AttemptCount, Slot
from tests.http_clients import signed_in_session
from tests.scheduling.helpers import calendar_snapshot, open_slot

API = "/api/appointments"


def book(client: Client, slot: Slot, reason: str = "chest-pain", plan: str | None = None):
    body = {"slot_id": slot.pk, "visit_reason": reason, "insurance_plan": plan}
    return client.post(API, json.dumps(body), content_type="application/json")


def same_time_slots(world) -> tuple[Slot, Slot]:
    """A slot of Ada Hart and one of Ben Skinner that start at the same moment, at the same clinic."""
    skin = Slot.objects.filter(role=world.skin_role, is_open=True).order_by("starts_at")
    for candidate in skin:
        heart = Slot.objects.filter(role=world.heart_role, starts_at=candidate.starts_at, is_open=True).first()
        if heart is not None and candidate.starts_at > open_slot(world.heart_role).starts_at:
            return heart, candidate
    raise AssertionError("the world has no two calendars open at one time")


def test_a_member_cannot_hold_a_practitioners_whole_calendar(world, member_client) -> None:
    """BOOK-2: 25 bookings in a row; the member holds only the operator's number with one practitioner."""
    slots = list(Slot.objects.filter(role=world.heart_role, is_open=True).order_by("starts_at")[5:30])
    statuses = [book(member_client, slot).status_code for slot in slots]
    assert statuses[:3] == [201, 201, 201]
    assert set(statuses[3:]) <= {409, 429}
    assert Appointment.objects.filter(member=world.member).count() == 3


def test_the_booking_past_the_limit_with_one_practitioner_is_refused_clearly(world, member_client, settings) -> None:
    """BOOK-2"""
    settings.INDIGOMED = {**settings.INDIGOMED, "BOOKING_LIMIT_PER_PRACTITIONER": 2}
    for index in (3, 5):
        assert book(member_client, open_slot(world.heart_role, index=index)).status_code == 201
    before = calendar_snapshot()
    response = book(member_client, open_slot(world.heart_role, index=7))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "booking_limit"
    assert "2 upcoming appointments with Dr. Ada Hart" in body["detail"]
    assert calendar_snapshot() == before
    # Another member is not held back by this one's bookings.
    other = Client()
    other.force_login(world.other_member)
    assert book(other, open_slot(world.heart_role, index=7)).status_code == 201


def test_the_booking_past_the_overall_limit_is_refused_clearly(world, member_client, settings) -> None:
    """BOOK-2"""
    settings.INDIGOMED = {**settings.INDIGOMED, "BOOKING_LIMIT_TOTAL": 2}
    assert book(member_client, open_slot(world.heart_role, index=3)).status_code == 201
    assert book(member_client, open_slot(world.skin_role, index=5), reason="acne").status_code == 201
    before = calendar_snapshot()
    response = member_client.post(
        f"/book/{open_slot(world.paris_role, index=9).pk}/", {"visit_reason": "chest-pain", "insurance_plan": ""}
    )
    assert response.status_code == 409
    assert "You already have 2 upcoming appointments, the most you can hold at once" in response.content.decode()
    assert calendar_snapshot() == before


def test_a_member_cannot_book_two_appointments_at_the_same_time(world, member_client) -> None:
    """BOOK-2: overlapping appointments are refused, whichever practitioner they are with."""
    heart, skin = same_time_slots(world)
    assert book(member_client, heart).status_code == 201
    before = calendar_snapshot()
    response = book(member_client, skin, reason="acne")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "overlapping_booking"
    assert "already have an appointment at that time" in body["detail"]
    assert calendar_snapshot() == before


def test_moving_an_appointment_does_not_overlap_itself(world, member_client) -> None:
    """BOOK-3: a move frees the old time first, so moving half an hour later is allowed."""
    first = open_slot(world.heart_role, index=3)
    public_id = book(member_client, first).json()["id"]
    later = open_slot(world.heart_role, index=3)  # the next open one, right after
    response = member_client.post(
        f"{API}/{public_id}/reschedule", json.dumps({"slot_id": later.pk}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert Appointment.objects.filter(member=world.member, status="booked").get().slot_id == later.pk


def test_booking_too_often_is_slowed_down(world, member_client, settings) -> None:
    """BOOK-2: a member's booking attempts are rate-limited, refused ones included."""
    settings.INDIGOMED = {**settings.INDIGOMED, "BOOKING_RATE_LIMIT": 2}
    taken = open_slot(world.heart_role, index=3)
    assert book(member_client, taken).status_code == 201
    assert book(member_client, taken).status_code == 409
    before = calendar_snapshot()
    response = book(member_client, open_slot(world.heart_role, index=6))
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "too_many_attempts"
    assert "Please wait 10 minutes" in body["detail"]
    assert calendar_snapshot() == before


def test_the_attempts_count_afresh_once_the_window_has_passed(world, member_client, settings, monkeypatch) -> None:
    """BOOK-2: the rate slows a member down for its window, not for good."""
    settings.INDIGOMED = {**settings.INDIGOMED, "BOOKING_RATE_LIMIT": 1}
    assert book(member_client, open_slot(world.heart_role, index=3)).status_code == 201
    assert book(member_client, open_slot(world.heart_role, index=6)).status_code == 429
    later = timezone.now() + dt.timedelta(seconds=601)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert book(member_client, open_slot(world.heart_role, index=6)).status_code == 201


def test_the_worker_forgets_counts_whose_window_has_ended_and_keeps_the_others(
    world, member_client, monkeypatch
) -> None:
    """What the rate counted is kept no longer than the window it counts in."""
    book(member_client, open_slot(world.heart_role, index=3))
    later = timezone.now() + dt.timedelta(seconds=300)
    monkeypatch.setattr(timezone, "now", lambda: later)
    book(member_client, open_slot(world.heart_role, index=6))
    assert AttemptCount.objects.get().count == 2
    assert forget_ended_counts() == 0
    end = later + dt.timedelta(seconds=301)
    monkeypatch.setattr(timezone, "now", lambda: end)
    assert forget_ended_counts() == 1
    assert not AttemptCount.objects.exists()


def test_a_booking_unwraps_the_members_data_key_once(world, member_client, monkeypatch) -> None:
    """The details, each message and the answer are sealed and opened with one unwrapping of the key."""
    from indigomed.records import crypto

    unwrapped = []
    unwrap = crypto.unwrap
    monkeypatch.setattr(crypto, "unwrap", lambda *args: unwrapped.append(1) or unwrap(*args))
    assert book(member_client, open_slot(world.heart_role, index=3)).status_code == 201
    assert len(unwrapped) == 1
    assert Message.objects.filter(member_id=world.member.pk).count() >= 2


def test_the_answer_to_a_booking_shows_the_reason_and_plan_given_without_reading_them_back(
    world, member_client
) -> None:
    """The answer echoes what the member just sent, as it was sealed; the stored details are read
    (and that read logged) only when the member opens the appointment again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as booking:
        answer = book(member_client, open_slot(world.heart_role, index=3), plan="aetna-hmo")
    assert answer.status_code == 201, answer.content
    assert answer.json()["visit_reason"] == world.chest_pain.name
    assert answer.json()["insurance_plan"] == str(world.aetna)
    assert not [
        q
        for q in booking.captured_queries
        if q["sql"].lstrip().startswith("SELECT") and "records_bookingdetails" in q["sql"]
    ]
    again = member_client.get(f"{API}/{answer.json()['id']}")
    assert (again.json()["visit_reason"], again.json()["insurance_plan"]) == (world.chest_pain.name, str(world.aetna))


def test_one_member_racing_for_many_slots_at_once_still_holds_only_the_limit(
    transactional_db, world, live_server
) -> None:
    """BOOK-2: the limit holds under a burst of simultaneous requests, counted one after the other."""
    sessions = [signed_in_session(world.member) for _ in range(8)]
    slot_ids = list(Slot.objects.filter(role=world.heart_role, is_open=True).values_list("pk", flat=True)[5:13])
    start = threading.Barrier(len(sessions))

    def attempt(index: int) -> int:
        start.wait()
        response = sessions[index].post(
            f"{live_server.url}{API}",
            json={"slot_id": slot_ids[index], "visit_reason": "chest-pain", "insurance_plan": None},
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        statuses = Counter(pool.map(attempt, range(len(sessions))))
    assert statuses == {201: 3, 409: 5}, statuses
    assert Appointment.objects.filter(member=world.member, status="booked").count() == 3


def test_counting_what_a_member_holds_reads_only_their_own_held_appointments(world) -> None:
    """BOOK-2 at scale: each booking counts the member's upcoming visits. The count reads that
    member's held appointments from their own index, whatever the statistics say of everyone
    else's, even once the statement is prepared and planned for any member."""
    from django.db import connection

    from indigomed.scheduling.booking_store import _HOLDINGS

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans each statement as it comes; the prepared plan is PostgreSQL's")
    now = f"'{timezone.now().isoformat()}'"
    values = [now, str(world.heart_doctor.pk), now, now, now, str(world.member.pk), now]
    connection.ensure_connection()
    # The simple query protocol, as a prepared statement's own text and values need.
    pgconn = connection.connection.pgconn
    for sql in (
        "SET plan_cache_mode = force_generic_plan",
        "SET enable_seqscan = off",  # the test database is small enough to be scanned whole
        f"PREPARE holdings_plan AS {_HOLDINGS.replace('%s', '$%d') % tuple(range(1, 8))}",
    ):
        pgconn.exec_(sql.encode())
    try:
        explained = pgconn.exec_(f"EXPLAIN EXECUTE holdings_plan({', '.join(values)})".encode())
        plan = "\n".join(explained.get_value(row, 0).decode() for row in range(explained.ntuples))
    finally:
        for sql in ("DEALLOCATE holdings_plan", "RESET plan_cache_mode", "RESET enable_seqscan"):
            pgconn.exec_(sql.encode())
    # Either index holds only held appointments, keyed by member (the second is the constraint
    # that refuses overlapping ones): read by the member, never scanned for everyone's.
    held_only = ("appointment_member_held", "appointment_member_never_double_booked")
    assert any(f"Index Scan using {index} on scheduling_appointment" in plan for index in held_only), plan
    assert "member_id = $6" in plan, plan
