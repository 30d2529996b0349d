"""Public profile pages (DIR-1)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from indigomed.directory.queries import facility_profile, practitioner_profile
from indigomed.scheduling.queries import OpenSlot, open_slots_for_role
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


@refusals_as_pages
def facility(request: HttpRequest, slug: str) -> HttpResponse:
    f = facility_profile(slug)
    return render(request, "directory/facility.html", {"facility": f, "roles": f.active_roles})  # type: ignore[attr-defined]
