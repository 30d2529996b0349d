"""BOOK-1: weekly rules in the facility's zone become slots that are right across DST changes."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from indigomed.scheduling.availability import WeeklyRule, Window, local_to_utc, slots_between
from indigomed.scheduling.models import AvailabilityException, Slot
from indigomed.scheduling.opening_hours import add_time_off, generate_slots

NEW_YORK = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
HALF_HOUR = dt.timedelta(minutes=30)


def local_times(slots: list, zone: ZoneInfo) -> list[str]:
    return [s.starts_at.astimezone(zone).strftime("%a %H:%M") for s in slots]


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        (NEW_YORK, dt.date(2026, 3, 2), dt.date(2026, 3, 9)),  # spring forward 8 March
        (NEW_YORK, dt.date(2026, 10, 26), dt.date(2026, 11, 2)),  # fall back 1 November
        (PARIS, dt.date(2026, 3, 23), dt.date(2026, 3, 30)),  # spring forward 29 March
        (PARIS, dt.date(2026, 10, 19), dt.date(2026, 10, 26)),  # fall back 25 October
    ],
)
def test_monday_nine_oclock_stays_nine_oclock_across_a_change(zone: ZoneInfo, before: dt.date, after: dt.date) -> None:
    """BOOK-1: a Monday 09:00–10:00 rule gives 09:00 and 09:30 local on both sides of the change."""
    rule = WeeklyRule(0, dt.time(9), dt.time(10), HALF_HOUR, 1)
    slots = slots_between(rules=[rule], zone=zone, first_day=before, last_day=after)
    assert local_times(slots, zone) == ["Mon 09:00", "Mon 09:30", "Mon 09:00", "Mon 09:30"]
    shift = (slots[0].starts_at.astimezone(dt.UTC).hour, slots[2].starts_at.astimezone(dt.UTC).hour)
    assert shift[0] != shift[1], "the UTC time moves by the hour the clocks moved"


def test_a_night_window_over_spring_forward_has_an_hour_less_new_york() -> None:
    rule = WeeklyRule(6, dt.time(0), dt.time(4), dt.timedelta(hours=1), 1)
    slots = slots_between(rules=[rule], zone=NEW_YORK, first_day=dt.date(2026, 3, 8), last_day=dt.date(2026, 3, 8))
    assert local_times(slots, NEW_YORK) == ["Sun 00:00", "Sun 01:00", "Sun 03:00"]


def test_a_night_window_over_fall_back_has_an_hour_more_paris() -> None:
    rule = WeeklyRule(6, dt.time(1), dt.time(4), dt.timedelta(hours=1), 1)
    slots = slots_between(rules=[rule], zone=PARIS, first_day=dt.date(2026, 10, 25), last_day=dt.date(2026, 10, 25))
    assert [s.starts_at.astimezone(PARIS).strftime("%H:%M%z") for s in slots] == [
        "01:00+0200",
        "02:00+0200",
        "02:00+0100",
        "03:00+0100",
    ]
    assert all(b.starts_at - a.starts_at == dt.timedelta(hours=1) for a, b in itertools.pairwise(slots))


def test_a_wall_time_in_the_gap_starts_when_the_clocks_jump() -> None:
    assert local_to_utc(dt.date(2026, 3, 8), dt.time(2, 30), NEW_YORK) == dt.datetime(2026, 3, 8, 7, tzinfo=dt.UTC)
    assert local_to_utc(dt.date(2026, 3, 29), dt.time(2, 15), PARIS) == dt.datetime(2026, 3, 29, 1, tzinfo=dt.UTC)


def test_time_off_removes_and_extra_hours_add_slots() -> None:
    rule = WeeklyRule(0, dt.time(9), dt.time(11), HALF_HOUR, 1)
    monday = dt.date(2026, 12, 7)
    off = Window(dt.datetime(2026, 12, 7, 14, 30, tzinfo=dt.UTC), dt.datetime(2026, 12, 7, 15, 10, tzinfo=dt.UTC))
    extra = Window(
        dt.datetime(2026, 12, 8, 18, tzinfo=dt.UTC), dt.datetime(2026, 12, 8, 19, tzinfo=dt.UTC), HALF_HOUR, 2
    )
    slots = slots_between(
        rules=[rule],
        zone=NEW_YORK,
        first_day=monday,
        last_day=monday + dt.timedelta(days=1),
        time_off=[off],
        extra_hours=[extra],
    )
    assert local_times(slots, NEW_YORK) == ["Mon 09:00", "Mon 10:30", "Tue 13:00", "Tue 13:30"]


def test_overlapping_rules_never_double_book_the_practitioner() -> None:
    """Where two visit types' hours overlap, the practitioner still has one visit at a time: a slot
    of the other type that would overlap is dropped, and one starting as the last ends is kept."""
    long = WeeklyRule(0, dt.time(9), dt.time(10), dt.timedelta(minutes=45), 1)
    short = WeeklyRule(0, dt.time(9, 5), dt.time(10, 30), dt.timedelta(minutes=20), 2)
    slots = slots_between(
        rules=[long, short], zone=PARIS, first_day=dt.date(2026, 12, 7), last_day=dt.date(2026, 12, 7)
    )
    assert [
        (
            s.starts_at.astimezone(PARIS).strftime("%H:%M"),
            s.ends_at.astimezone(PARIS).strftime("%H:%M"),
            s.visit_type_id,
        )
        for s in slots
    ] == [
        ("09:00", "09:45", 1),
        ("09:45", "10:05", 2),
        ("10:05", "10:25", 2),
    ]


def test_generating_twice_adds_nothing_and_keeps_booked_slots(world) -> None:
    """The sweep can run any number of times: a week past the horizon is added once, and a slot
    booked in between is kept, booked, when the week is generated again."""
    from indigomed.scheduling.services import book_appointment

    role = world.heart_role
    first_day = dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=40)
    last_day = first_day + dt.timedelta(days=6)
    week = Slot.objects.filter(
        role=role,
        starts_at__gte=local_to_utc(first_day, dt.time(0), NEW_YORK),
        starts_at__lt=local_to_utc(last_day + dt.timedelta(days=1), dt.time(0), NEW_YORK),
    )
    assert not week.exists()
    assert generate_slots(role=role, first_day=first_day, last_day=last_day) == 7 * 6  # 09:00-12:00, half-hours
    slot = week.order_by("starts_at")[3]
    appointment = book_appointment(actor=world.member, slot_id=slot.pk, visit_reason="chest-pain", insurance_plan=None)
    assert generate_slots(role=role, first_day=first_day, last_day=last_day) == 0
    assert week.count() == 7 * 6
    slot.refresh_from_db()
    assert (slot.is_open, appointment.slot_id) == (False, slot.pk)


def test_time_off_closes_open_slots_and_is_kept_as_an_exception(world) -> None:
    role = world.heart_role
    slot = Slot.objects.filter(role=role, is_open=True).order_by("starts_at")[5]
    add_time_off(actor=world.doctor_user, role=role, starts_at=slot.starts_at, ends_at=slot.ends_at)
    slot.refresh_from_db()
    assert slot.is_open is False
    assert AvailabilityException.objects.filter(role=role, kind="time_off").count() == 1


def test_only_the_practice_can_add_time_off(world) -> None:
    from indigomed.errors import NotFound

    slot = Slot.objects.filter(role=world.heart_role).first()
    with pytest.raises(NotFound):
        add_time_off(actor=world.member, role=world.heart_role, starts_at=slot.starts_at, ends_at=slot.ends_at)


def test_the_sweep_extends_calendars_to_the_horizon_and_fixes_stale_next_open_times(world) -> None:
    from django.utils import timezone

    from indigomed.directory.models import PractitionerRole
    from indigomed.scheduling.opening_hours import sweep_calendars

    role = world.heart_role
    last_before = Slot.objects.filter(role=role).order_by("-starts_at").first().starts_at
    PractitionerRole.objects.filter(pk=role.pk).update(next_open_at=timezone.now() - dt.timedelta(hours=1))
    tomorrow = dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=1)
    assert sweep_calendars(today=tomorrow) > 0
    assert Slot.objects.filter(role=role).order_by("-starts_at").first().starts_at > last_before
    role.refresh_from_db()
    assert role.next_open_at > timezone.now()
    assert sweep_calendars(today=tomorrow) == 0
