"""Turning weekly wall-clock rules into UTC slots, right across daylight-saving changes.

A rule says "Mondays 09:00–12:00 in the facility's zone". Each day's window is converted to
UTC at its own date, then cut into visit-length slots in real (UTC) time. So 09:00 stays 09:00
local on both sides of a change, a night window that spans a spring-forward gap yields one
hour less, and one that spans a fall-back repeat yields one hour more: exactly the time the
practitioner is actually there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = dt.UTC


@dataclass(frozen=True, slots=True)
class WeeklyRule:
    weekday: int
    start: dt.time
    end: dt.time
    duration: dt.timedelta
    visit_type_id: int
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """An aware interval: time off removes slots that touch it, extra hours add slots in it."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    duration: dt.timedelta | None = None
    visit_type_id: int | None = None


@dataclass(frozen=True, slots=True, order=True)
class SlotSpec:
    starts_at: dt.datetime
    ends_at: dt.datetime
    visit_type_id: int


def local_to_utc(day: dt.date, wall: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a wall-clock time on a day in a zone.

    A wall time inside a spring-forward gap does not exist; it is taken as the instant the
    clocks jumped to (02:30 on the change day in New York becomes 03:00 EDT). A repeated wall
    time in a fall-back hour is taken at its first occurrence.
    """
    naive = dt.datetime.combine(day, wall)
    first = naive.replace(tzinfo=zone, fold=0)
    as_utc = first.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) != naive:
        # In the gap: the clocks jumped somewhere between the two readings; find the minute.
        cursor = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
        before = cursor.astimezone(zone).utcoffset()
        while cursor < as_utc and cursor.astimezone(zone).utcoffset() == before:
            cursor += dt.timedelta(minutes=1)
        as_utc = cursor
    return as_utc


def _cut(start: dt.datetime, end: dt.datetime, duration: dt.timedelta, visit_type_id: int) -> Iterator[SlotSpec]:
    cursor = start
    while cursor + duration <= end:
        yield SlotSpec(cursor, cursor + duration, visit_type_id)
        cursor += duration


def slots_between(
    *,
    rules: Iterable[WeeklyRule],
    zone: ZoneInfo,
    first_day: dt.date,
    last_day: dt.date,
    time_off: Iterable[Window] = (),
    extra_hours: Iterable[Window] = (),
) -> list[SlotSpec]:
    """All slots from ``first_day`` to ``last_day`` (inclusive, local dates), sorted by start."""
    rules = list(rules)
    found: dict[dt.datetime, SlotSpec] = {}
    day = first_day
    while day <= last_day:
        for rule in rules:
            if rule.weekday != day.weekday():
                continue
            if rule.valid_from and day < rule.valid_from:
                continue
            if rule.valid_until and day > rule.valid_until:
                continue
            start = local_to_utc(day, rule.start, zone)
            end = local_to_utc(day, rule.end, zone)
            for spec in _cut(start, end, rule.duration, rule.visit_type_id):
                found.setdefault(spec.starts_at, spec)
        day += dt.timedelta(days=1)

    range_start = local_to_utc(first_day, dt.time(0, 0), zone)
    range_end = local_to_utc(last_day + dt.timedelta(days=1), dt.time(0, 0), zone)
    for window in extra_hours:
        if window.duration is None or window.visit_type_id is None:
            continue
        for spec in _cut(window.starts_at, window.ends_at, window.duration, window.visit_type_id):
            if range_start <= spec.starts_at < range_end:
                found.setdefault(spec.starts_at, spec)

    blocked = list(time_off)
    kept = [
        spec
        for spec in found.values()
        if not any(spec.starts_at < w.ends_at and w.starts_at < spec.ends_at for w in blocked)
    ]
    kept.sort()
    # Rules for different visit types may overlap; a practitioner is in one visit at a time.
    result: list[SlotSpec] = []
    for spec in kept:
        if result and spec.starts_at < result[-1].ends_at:
            continue
        result.append(spec)
    return result
