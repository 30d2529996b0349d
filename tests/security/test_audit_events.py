"""Invariant 2c: every change is an event (who, what, when, references only), written in the same
transaction as the change, and never changed or removed afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from indigomed.scheduling import opening_hours
from indigomed.scheduling import services as scheduling
from indigomed.scheduling.errors import CutoffPassed
from indigomed.security.models import AuditEvent
from indigomed.security.services import record_event
from tests.scheduling.helpers import open_slot, soon_slot


def events() -> list[tuple[str, int | None, int | None, str]]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", "actor_user_id", "member_id", "subject_ref"))


def book(world, slot):
    return scheduling.book_appointment(
        actor=world.member, slot_id=slot.pk, visit_reason="chest-pain", insurance_plan="aetna-hmo"
    )


def test_booking_cancelling_and_moving_each_leave_one_event_naming_the_appointment(world) -> None:
    """2c: the member is the actor; the event names the appointment and the member by reference."""
    first = book(world, open_slot(world.heart_role))
    assert events() == [("booking.created", world.member.pk, world.member.pk, f"appointment:{first.public_id}")]

    moved = scheduling.reschedule_appointment(
        actor=world.member, public_id=str(first.public_id), new_slot_id=open_slot(world.heart_role, index=1).pk
    )
    assert events()[1:] == [
        ("appointment.rescheduled", world.member.pk, world.member.pk, f"appointment:{moved.public_id}")
    ]
    assert AuditEvent.objects.last().details["moved_from"] == str(first.public_id)  # type: ignore[union-attr]

    scheduling.cancel_appointment(actor=world.member, public_id=str(moved.public_id))
    assert events()[2:] == [
        ("appointment.cancelled", world.member.pk, world.member.pk, f"appointment:{moved.public_id}")
    ]


def test_a_refused_change_leaves_no_event(world) -> None:
    """2c: a cancellation past the practice's cut-off changes nothing, so nothing is recorded."""
    appointment = book(world, soon_slot(world.heart_role))
    before = events()
    with pytest.raises(CutoffPassed):
        scheduling.cancel_appointment(actor=world.member, public_id=str(appointment.public_id))
    assert events() == before


def test_an_event_that_cannot_be_written_undoes_the_change(world, monkeypatch) -> None:
    """2c: the change and its event commit together; if the event fails, the booking is not made."""
    from indigomed.scheduling.models import Appointment

    def broken(**kwargs: object) -> None:
        raise DatabaseError("the audit table is unavailable")

    monkeypatch.setattr(scheduling, "record_event", broken)
    with pytest.raises(DatabaseError):
        book(world, open_slot(world.heart_role))
    assert not Appointment.objects.exists()
    assert open_slot(world.heart_role, index=0).is_open


def test_the_practice_marks_visits_and_changes_its_calendar_as_itself(world) -> None:
    """2c: the practice's staff are the actors of visit statuses, time off and extra hours."""
    appointment = book(world, open_slot(world.heart_role))
    scheduling.set_visit_status(actor=world.doctor_user, public_id=str(appointment.public_id), status="checked_in")
    slot = open_slot(world.heart_role, index=3)
    off = opening_hours.add_time_off(
        actor=world.staff_user, role=world.heart_role, starts_at=slot.starts_at, ends_at=slot.ends_at
    )
    starts = slot.starts_at.replace(hour=22, minute=0)
    extra = opening_hours.add_extra_hours(
        actor=world.doctor_user,
        role=world.heart_role,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        visit_type_id=world.heart_role.visit_types.get().pk,
    )
    calendar = f"calendar:{world.heart_role.pk}"
    assert events()[1:] == [
        ("appointment.status_changed", world.doctor_user.pk, world.member.pk, f"appointment:{appointment.public_id}"),
        ("calendar.time_off_added", world.staff_user.pk, None, calendar),
        ("calendar.extra_hours_added", world.doctor_user.pk, None, calendar),
    ]
    details = list(AuditEvent.objects.order_by("pk").values_list("details", flat=True))[1:]
    assert details[0] == {"status": "checked_in"}
    assert details[1] == {"exception": off.pk}
    assert details[2]["exception"] == extra.pk


def test_the_database_refuses_to_change_or_remove_an_event(world) -> None:
    """2c: events are append-only in the database itself, whatever the code asks."""
    book(world, open_slot(world.heart_role))
    event = AuditEvent.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="appointment.cancelled")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM security_auditevent")
    assert AuditEvent.objects.get().action == "booking.created"


@pytest.mark.django_db(transaction=True)
def test_an_event_is_refused_outside_the_changes_transaction() -> None:
    """2c: an event written on its own could record a change that never committed, or miss one."""
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_event(actor=None, action="booking.created", subject_ref="appointment:1")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("action", "details"),
    [
        ("appointment.deleted", {}),
        ("booking.created", {"reason": "Chest pain"}),
        ("booking.created", {"name": "zephyrine quackenbush the third of her name"}),
        ("booking.created", {"address": {"street": "12 rue"}}),
        ("booking.created", {"Reason": 1}),
        ("booking.created", {"purposes": ["payment", "Paid by cash"]}),
        ("booking.created", {"at": 1.5}),
    ],
)
def test_an_unknown_action_or_a_personal_value_is_refused(world, action, details) -> None:
    """2c: events hold references and codes from a closed list, never a value someone typed."""
    with pytest.raises(ValueError), transaction.atomic():
        record_event(actor=world.member, action=action, subject_ref="appointment:1", details=details)
    assert not AuditEvent.objects.exists()
