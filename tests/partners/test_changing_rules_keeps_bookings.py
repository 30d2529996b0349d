"""BOOK-1 in Partners: a change of weekly hours or visit types regenerates the future open times and
never touches a booked visit; the visits that no longer fit are listed for the practice to move."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from indigomed.directory import people
from indigomed.scheduling import practice_rules
from indigomed.scheduling.misfits import misfit_bookings
from indigomed.scheduling.models import Appointment, AvailabilityRule, Slot, VisitType
from indigomed.scheduling.opening_hours import add_time_off, sweep_calendars
from indigomed.scheduling.practice_rules import VisitTypeSpec, WeeklyHours
from indigomed.scheduling.services import book_appointment, cancel_appointment, reschedule_appointment
from tests.partners.conftest import client_for, events
from tests.scheduling.helpers import open_slot

NY = ZoneInfo("America/New_York")


@pytest.fixture
def booked(world) -> Appointment:
    """The member's visit with Dr Hart at 09:00 some day after the next three."""
    slot = next(
        s
        for s in Slot.objects.filter(role=world.heart_role, is_open=True).order_by("starts_at")
        if s.starts_at.astimezone(NY).time() == dt.time(9) and s.starts_at > open_slot(world.heart_role).starts_at
    )
    return book_appointment(actor=world.member, slot_id=slot.pk, visit_reason="chest-pain", insurance_plan=None)


def rule_of_day(world, booked: Appointment) -> AvailabilityRule:
    return AvailabilityRule.objects.get(role=world.heart_role, weekday=booked.starts_at.astimezone(NY).weekday())


def move_hours(admin, world, rule: AvailabilityRule, start: dt.time, end: dt.time) -> bool:
    return practice_rules.change_hours(
        actor=admin,
        facility_id=world.ny_clinic.pk,
        role_id=world.heart_role.pk,
        rule_id=rule.pk,
        hours=WeeklyHours(weekday=rule.weekday, start=start, end=end, visit_type_id=rule.visit_type_id),
    )


def open_local_times(role, day: dt.date) -> list[dt.time]:
    return sorted(
        s.starts_at.astimezone(NY).time()
        for s in Slot.objects.filter(role=role, is_open=True)
        if s.starts_at.astimezone(NY).date() == day
    )


def no_open_slot_overlaps_a_booking(role) -> bool:
    held = Appointment.objects.filter(role=role, status="booked")
    return not any(
        s.starts_at < a.ends_at and a.starts_at < s.ends_at
        for a in held
        for s in Slot.objects.filter(role=role, is_open=True)
    )


def test_moving_the_hours_keeps_the_booking_lists_it_and_opens_the_new_hours(world, ny_admin, booked) -> None:
    day = booked.starts_at.astimezone(NY).date()
    slot_before = Slot.objects.filter(pk=booked.slot_id).values().get()
    assert move_hours(ny_admin, world, rule_of_day(world, booked), dt.time(13), dt.time(16))

    booked.refresh_from_db()
    assert booked.status == "booked"
    assert Slot.objects.filter(pk=booked.slot_id).values().get() == slot_before, "the booked slot is untouched"
    assert open_local_times(world.heart_role, day) == [
        (dt.datetime.combine(day, dt.time(13)) + dt.timedelta(minutes=30 * i)).time() for i in range(6)
    ]
    [misfit] = misfit_bookings(world.ny_clinic)
    assert (misfit.public_id, misfit.why) == (booked.public_id, "It is outside the weekly hours now set")
    other_day = day + dt.timedelta(days=1)
    assert open_local_times(world.heart_role, other_day)[0] == dt.time(9), "other days keep their hours"
    assert [e.action for e in events()] == ["booking.created", "calendar.rule_changed"]

    page = client_for(ny_admin).get(f"/partners/{world.ny_clinic.pk}/").content.decode()
    assert "Bookings to move (1)" in page and "outside the weekly hours" in page


def test_hours_that_overlap_a_misfit_booking_never_open_a_time_across_it_even_after_the_sweep(
    world, ny_admin, booked
) -> None:
    day = booked.starts_at.astimezone(NY).date()
    move_hours(ny_admin, world, rule_of_day(world, booked), dt.time(9, 20), dt.time(12))
    assert open_local_times(world.heart_role, day)[0] == dt.time(9, 50), "09:20–09:50 would cross the 09:00 visit"
    assert no_open_slot_overlaps_a_booking(world.heart_role)
    sweep_calendars()
    assert no_open_slot_overlaps_a_booking(world.heart_role)
    assert [m.public_id for m in misfit_bookings(world.ny_clinic)] == [booked.public_id]


def test_a_misfit_moved_by_the_member_leaves_the_list(world, ny_admin, booked) -> None:
    move_hours(ny_admin, world, rule_of_day(world, booked), dt.time(13), dt.time(16))
    new_slot = Slot.objects.filter(role=world.heart_role, is_open=True, starts_at__gt=booked.starts_at).first()
    reschedule_appointment(actor=world.member, public_id=str(booked.public_id), new_slot_id=new_slot.pk)
    assert misfit_bookings(world.ny_clinic) == []


def test_a_new_length_recuts_open_times_and_keeps_bookings_that_still_start_on_the_grid(
    world, ny_admin, booked
) -> None:
    later = Slot.objects.get(role=world.heart_role, starts_at=booked.starts_at + dt.timedelta(minutes=30))
    second = book_appointment(
        actor=world.other_member, slot_id=later.pk, visit_reason="chest-pain", insurance_plan=None
    )
    visit = VisitType.objects.get(role=world.heart_role)
    changed = practice_rules.change_visit_type(
        actor=ny_admin,
        facility_id=world.ny_clinic.pk,
        role_id=world.heart_role.pk,
        visit_type_id=visit.pk,
        spec=VisitTypeSpec(name="Consultation", duration_minutes=45),
    )
    assert changed
    lengths = {s.ends_at - s.starts_at for s in Slot.objects.filter(role=world.heart_role, is_open=True)}
    assert lengths == {dt.timedelta(minutes=45)}
    assert {a.status for a in Appointment.objects.all()} == {"booked"}
    # 09:00 is still a start of the 45-minute grid; 09:30 is not.
    assert [m.public_id for m in misfit_bookings(world.ny_clinic)] == [second.public_id]
    assert no_open_slot_overlaps_a_booking(world.heart_role)


def test_retiring_a_visit_type_closes_its_times_and_lists_its_bookings(world, ny_admin, booked) -> None:
    visit = VisitType.objects.get(role=world.heart_role)
    assert practice_rules.retire_visit_type(
        actor=ny_admin, facility_id=world.ny_clinic.pk, role_id=world.heart_role.pk, visit_type_id=visit.pk
    )
    assert not Slot.objects.filter(role=world.heart_role, is_open=True).exists()
    assert not AvailabilityRule.objects.filter(role=world.heart_role).exists()
    assert [m.why for m in misfit_bookings(world.ny_clinic)] == ["This visit type is retired"]
    world.heart_role.refresh_from_db()
    assert world.heart_role.next_open_at is None
    assert not practice_rules.retire_visit_type(
        actor=ny_admin, facility_id=world.ny_clinic.pk, role_id=world.heart_role.pk, visit_type_id=visit.pk
    ), "retiring twice changes nothing"
    assert len(events("visit_type.retired")) == 1


def test_deactivation_and_time_off_list_their_bookings_with_why(world, ny_admin, booked) -> None:
    add_time_off(actor=world.staff_user, role=world.heart_role, starts_at=booked.starts_at, ends_at=booked.ends_at)
    assert [m.why for m in misfit_bookings(world.ny_clinic)] == ["It falls in time off"]
    people.deactivate_practitioner(actor=ny_admin, facility_id=world.ny_clinic.pk, role_id=world.heart_role.pk)
    assert [m.why for m in misfit_bookings(world.ny_clinic)] == ["The practitioner no longer practises here"]
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_a_time_a_cancelled_visit_still_names_is_closed_not_deleted(world, ny_admin, booked) -> None:
    cancel_appointment(actor=world.member, public_id=str(booked.public_id))
    assert Slot.objects.get(pk=booked.slot_id).is_open
    move_hours(ny_admin, world, rule_of_day(world, booked), dt.time(13), dt.time(16))
    assert not Slot.objects.get(pk=booked.slot_id).is_open
    assert misfit_bookings(world.ny_clinic) == [], "a cancelled visit is nothing to move"


def test_removing_hours_closes_their_times_and_keeps_their_bookings(world, ny_admin, booked) -> None:
    rule = rule_of_day(world, booked)
    day = booked.starts_at.astimezone(NY).date()
    admin = client_for(ny_admin)
    page = admin.post(f"/partners/{world.ny_clinic.pk}/practitioners/{world.heart_role.pk}/hours/{rule.pk}/remove")
    assert page.status_code == 302
    assert open_local_times(world.heart_role, day) == []
    booked.refresh_from_db()
    assert booked.status == "booked" and Slot.objects.filter(pk=booked.slot_id).exists()
    followed = admin.get(page["Location"]).content.decode()
    assert "1 booked visit no longer fits" in followed and "Bookings to move (1)" in followed
    # Removing the same hours again: they are gone, and nothing more is recorded.
    again = admin.post(f"/partners/{world.ny_clinic.pk}/practitioners/{world.heart_role.pk}/hours/{rule.pk}/remove")
    assert again.status_code == 404
    assert len(events("calendar.rule_removed")) == 1
