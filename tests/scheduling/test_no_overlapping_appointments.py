"""BOOK-2: a member never holds two appointments that overlap, with any practitioner; the database
refuses it (PostgreSQL's exclusion constraint, SQLite's triggers), not only the service."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction

from indigomed.errors import DomainError
from indigomed.scheduling import services
from indigomed.scheduling.models import Appointment, Slot
from tests.conftest import postgres
from tests.scheduling.helpers import calendar_snapshot
from tests.scheduling.test_booking_limits import same_time_slots


def appointment(member, slot: Slot, *, starts_at: dt.datetime | None = None, status: str = "booked") -> Appointment:
    """An appointment written straight to the table, as a bug or a bypass of the service would."""
    start = starts_at or slot.starts_at
    return Appointment.objects.create(
        member=member,
        slot=slot,
        role=slot.role,
        visit_type=slot.visit_type,
        starts_at=start,
        ends_at=start + (slot.ends_at - slot.starts_at),
        status=status,
    )


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_a_members_second_appointment_at_the_same_time(world) -> None:
    heart, skin = same_time_slots(world)
    appointment(world.member, heart)
    assert refused(lambda: appointment(world.member, skin))
    assert Appointment.objects.count() == 1


def test_the_database_refuses_an_appointment_that_only_partly_overlaps(world) -> None:
    heart, skin = same_time_slots(world)
    appointment(world.member, heart)
    # A quarter of an hour into the first one, with another practitioner.
    assert refused(lambda: appointment(world.member, skin, starts_at=heart.starts_at + dt.timedelta(minutes=15)))


def test_back_to_back_appointments_and_other_members_are_fine(world) -> None:
    heart, skin = same_time_slots(world)
    appointment(world.member, heart)
    appointment(world.member, skin, starts_at=heart.ends_at)  # starts as the first ends
    appointment(world.other_member, Slot.objects.filter(role=world.paris_role).first(), starts_at=heart.starts_at)
    assert Appointment.objects.count() == 3


def test_a_cancelled_appointment_frees_the_time_and_cannot_come_back_over_another(world) -> None:
    heart, skin = same_time_slots(world)
    first = appointment(world.member, heart, status="cancelled")
    appointment(world.member, skin)
    # Reactivating the cancelled one would overlap the new one: refused too.
    assert refused(lambda: Appointment.objects.filter(pk=first.pk).update(status="booked"))
    # Visit lifecycle changes of an appointment that holds its time are not refused.
    Appointment.objects.filter(member=world.member, status="booked").update(status="checked_in")


def test_the_service_turns_the_databases_refusal_into_a_clear_one(world, member_client, monkeypatch) -> None:
    """With the service's own check out of the way, the database still refuses, and the member
    reads why (409 ``overlapping_booking``), with nothing changed."""
    heart, skin = same_time_slots(world)
    assert services.book_appointment(
        actor=world.member, slot_id=heart.pk, visit_reason="chest-pain", insurance_plan=None
    )
    monkeypatch.setattr(services, "check_member_may_hold", lambda **kwargs: None)
    before = calendar_snapshot()
    response = member_client.post(
        "/api/appointments",
        {"slot_id": skin.pk, "visit_reason": "acne", "insurance_plan": None},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "overlapping_booking"
    assert "already have an appointment at that time" in response.json()["detail"]
    assert calendar_snapshot() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("bypass", [False, True], ids=["through-the-service", "database-alone"])
def test_two_overlapping_bookings_of_one_member_racing_exactly_one_wins(world, monkeypatch, bypass) -> None:
    """BOOK-2: two threads book overlapping times with two practitioners for one member at once.
    Through the service the member's lock orders them; with that lock and check bypassed, the
    database alone decides (CI runs this on PostgreSQL, where the exclusion constraint does)."""
    heart, skin = same_time_slots(world)
    if bypass:  # neither the member's lock nor the count: nothing but the database between them
        monkeypatch.setattr(services, "check_member_may_hold", lambda **kwargs: None)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(slot: Slot, reason: str) -> None:
        try:
            start.wait()
            services.book_appointment(actor=world.member, slot_id=slot.pk, visit_reason=reason, insurance_plan=None)
            outcomes.append("booked")
        except DomainError as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(heart, "chest-pain")),
        threading.Thread(target=attempt, args=(skin, "acne")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert Counter(outcomes) == {"booked": 1, "overlapping_booking": 1}, outcomes
    assert Appointment.objects.filter(member=world.member, status="booked").count() == 1
    # Exactly one of the two slots was closed: the loser left nothing behind.
    assert Slot.objects.filter(pk__in=[heart.pk, skin.pk], is_open=False).count() == 1


def test_the_guard_is_the_one_the_engine_offers(world) -> None:
    with connection.cursor() as cursor:
        if postgres():
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'appointment_member_never_double_booked'"
            )
            (definition,) = cursor.fetchone()
            assert "EXCLUDE USING gist" in definition and "tstzrange(starts_at, ends_at)" in definition
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%member_free%'")
            assert {row[0] for row in cursor.fetchall()} == {
                "scheduling_appointment_member_free_insert",
                "scheduling_appointment_member_free_update",
            }
