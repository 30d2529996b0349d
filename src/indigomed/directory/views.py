"""Public profile pages (DIR-1)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from indigomed.directory.queries import facility_profile, practitioner_profile
from indigomed.scheduling.queries import OpenSlot, open_slots_for_role, open_slots_for_roles
from indigomed.web.feedback import refusals_as_pages


def _by_local_day(slots: list[OpenSlot], zone: ZoneInfo) -> list[tuple[dt.date, list[OpenSlot]]]:
    days: dict[dt.date, list[OpenSlot]] = defaultdict(list)
    for slot in slots:
        days[slot.starts_at.astimezone(zone).date()].append(slot)
    return sorted(days.items())


@refusals_as_pages
def practitioner(request: HttpRequest, slug: str) -> HttpResponse:
    p = practitioner_profile(slug)
    now = timezone.now()
    locations = []
    for role in p.active_roles:  # type: ignore[attr-defined]
        zone = ZoneInfo(role.facility.timezone)
        slots = open_slots_for_role(role.pk, start=now, end=now + dt.timedelta(days=7))
        locations.append({"role": role, "facility": role.facility, "zone": zone, "days": _by_local_day(slots, zone)})
    specialties = list(p.specialties.all())
    return render(
        request,
        "directory/practitioner.html",
        {
            "practitioner": p,
            "specialties": specialties,
            "reasons": [r for s in specialties for r in s.visit_reasons.all()],
            "locations": locations,
        },
    )


# How far ahead a profile shows open times: the week starting now.
PROFILE_DAYS = 7
# A facility's page shows each practitioner's first open times of each day; their own page has the rest.
FACILITY_TIMES_PER_DAY = 4


def _week(slots: list[OpenSlot], zone: ZoneInfo, now: dt.datetime) -> list[tuple[dt.date, list[OpenSlot], int]]:
    """Each of the next seven local days: its first open times, and how many more it has."""
    by_day = dict(_by_local_day(slots, zone))
    today = now.astimezone(zone).date()
    week = []
    for day in (today + dt.timedelta(days=i) for i in range(PROFILE_DAYS)):
        times = by_day.get(day, [])
        week.append((day, times[:FACILITY_TIMES_PER_DAY], max(0, len(times) - FACILITY_TIMES_PER_DAY)))
    return week


@refusals_as_pages
def facility(request: HttpRequest, slug: str) -> HttpResponse:
    """The facility, what it accepts, and each practitioner's open times this week (DIR-1)."""
    f = facility_profile(slug)
    roles = f.active_roles  # type: ignore[attr-defined]
    now = timezone.now()
    zone = ZoneInfo(f.timezone)
    slots = open_slots_for_roles([r.pk for r in roles], start=now, end=now + dt.timedelta(days=PROFILE_DAYS))
    weeks = [
        {"role": role, "open": role.pk in slots, "days": _week(slots.get(role.pk, []), zone, now)} for role in roles
    ]
    return render(request, "directory/facility.html", {"facility": f, "weeks": weeks, "now": now})
