"""BOOK-1 at its edges: the first and last day a weekly rule applies, time off that touches a slot
without overlapping it, and extra hours at midnight on either side of the days asked for."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from indigomed.scheduling.availability import WeeklyRule, Window, local_to_utc, slots_between

NEW_YORK = ZoneInfo("America/New_York")
HALF_HOUR = dt.timedelta(minutes=30)
MONDAY = dt.date(2026, 12, 7)
WEEK = dt.timedelta(days=7)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local_to_utc(day, dt.time(hour, minute), NEW_YORK)


def starts(slots: list) -> list[str]:
    return [s.starts_at.astimezone(NEW_YORK).strftime("%m-%d %H:%M") for s in slots]


def mondays(rule: WeeklyRule, first: dt.date = MONDAY, weeks: int = 3, **windows: list[Window]) -> list[str]:
    return starts(slots_between(rules=[rule], zone=NEW_YORK, first_day=first, last_day=first + weeks * WEEK, **windows))


def test_a_rule_applies_from_its_first_valid_day_through_its_last() -> None:
    """A practitioner's new hours start on the day they were set to, and end after the last day, not before."""
    rule = WeeklyRule(0, dt.time(9), dt.time(10), HALF_HOUR, 1, valid_from=MONDAY + WEEK, valid_until=MONDAY + 2 * WEEK)
    assert mondays(rule) == ["12-14 09:00", "12-14 09:30", "12-21 09:00", "12-21 09:30"]


def test_time_off_that_only_touches_a_slot_leaves_it_open() -> None:
    """Time off until 09:30 leaves the 09:30 slot; time off from 10:30 leaves the 10:00 slot."""
    rule = WeeklyRule(0, dt.time(9), dt.time(11), HALF_HOUR, 1)
    morning = Window(at(MONDAY, 8), at(MONDAY, 9, 30))
    late = Window(at(MONDAY, 10, 30), at(MONDAY, 12))
    assert mondays(rule, weeks=0, time_off=[morning, late]) == ["12-07 09:30", "12-07 10:00"]


def test_time_off_overlapping_a_slot_by_a_minute_closes_it() -> None:
    rule = WeeklyRule(0, dt.time(9), dt.time(11), HALF_HOUR, 1)
    nibble = Window(at(MONDAY, 9, 29), at(MONDAY, 10, 1))
    assert mondays(rule, weeks=0, time_off=[nibble]) == ["12-07 10:30"]


def test_extra_hours_from_midnight_on_the_first_day_count_and_from_midnight_after_the_last_do_not() -> None:
    """Extra hours belong to the local days asked for: 00:00 on the first day is in, 00:00 the day after the last is out."""
    first_midnight = Window(at(MONDAY, 0), at(MONDAY, 1), HALF_HOUR, 7)
    next_midnight = Window(at(MONDAY, 23, 30) + HALF_HOUR, at(MONDAY, 23, 30) + 2 * HALF_HOUR, HALF_HOUR, 7)
    eve = Window(at(MONDAY, 0) - HALF_HOUR, at(MONDAY, 0), HALF_HOUR, 7)
    last = Window(at(MONDAY, 23, 30), at(MONDAY, 23, 30) + HALF_HOUR, HALF_HOUR, 7)
    slots = slots_between(
        rules=[],
        zone=NEW_YORK,
        first_day=MONDAY,
        last_day=MONDAY,
        extra_hours=[first_midnight, next_midnight, eve, last],
    )
    assert starts(slots) == ["12-07 00:00", "12-07 00:30", "12-07 23:30"]
    assert {s.visit_type_id for s in slots} == {7}


def test_extra_hours_without_a_visit_type_or_length_add_nothing() -> None:
    """Extra hours recorded without saying what can be booked in them open nothing."""
    no_type = Window(at(MONDAY, 13), at(MONDAY, 14), HALF_HOUR, None)
    no_length = Window(at(MONDAY, 15), at(MONDAY, 16), None, 3)
    kept = Window(at(MONDAY, 17), at(MONDAY, 18), HALF_HOUR, 3)
    slots = slots_between(
        rules=[], zone=NEW_YORK, first_day=MONDAY, last_day=MONDAY, extra_hours=[no_type, no_length, kept]
    )
    assert [(s.starts_at, s.visit_type_id) for s in slots] == [(at(MONDAY, 17), 3), (at(MONDAY, 17, 30), 3)]


def test_extra_hours_over_the_weekly_hours_keep_the_weekly_visit_type() -> None:
    rule = WeeklyRule(0, dt.time(9), dt.time(10), HALF_HOUR, 1)
    extra = Window(at(MONDAY, 9, 30), at(MONDAY, 10, 30), HALF_HOUR, 2)
    slots = slots_between(rules=[rule], zone=NEW_YORK, first_day=MONDAY, last_day=MONDAY, extra_hours=[extra])
    assert [(starts([s])[0], s.visit_type_id) for s in slots] == [
        ("12-07 09:00", 1),
        ("12-07 09:30", 1),
        ("12-07 10:00", 2),
    ]


def test_a_repeated_wall_time_is_its_first_occurrence() -> None:
    """On the night the clocks go back, 01:30 in New York happens twice: a rule means the first (EDT)."""
    assert local_to_utc(dt.date(2026, 11, 1), dt.time(1, 30), NEW_YORK) == dt.datetime(
        2026, 11, 1, 5, 30, tzinfo=dt.UTC
    )
    assert local_to_utc(dt.date(2026, 11, 1), dt.time(3), NEW_YORK) == dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)
