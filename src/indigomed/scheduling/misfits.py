"""Bookings that no longer fit: upcoming booked visits that a practice's current weekly hours,
visit types, time off and team would not offer, after a change made in Partners. They stay
booked; the practice moves them with the patients. Computed on each read, never stored, so a
visit leaves the list as soon as it is moved or cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from indigomed.directory.models import Facility
from indigomed.scheduling.models import Appointment, AvailabilityException
from indigomed.scheduling.opening_hours import planned_slots


@dataclass(frozen=True, slots=True)
class Misfit:
    """A booked visit the practice's current rules would not have offered, and why."""

    public_id: Any
    starts_at: dt.datetime
    ends_at: dt.datetime
    zone: ZoneInfo
    role_id: int
    practitioner: str
    visit_type: str
    why: str


WHY = {
    "deactivated": "The practitioner no longer practises here",
    "retired": "This visit type is retired",
    "time_off": "It falls in time off",
    "hours": "It is outside the weekly hours now set",
}


def misfit_bookings(facility: Facility, *, role_id: int | None = None, limit: int = 200) -> list[Misfit]:
    """The facility's upcoming booked visits that its current rules, visit types, time off and
    practitioners would not offer, soonest first: the practice moves them with the patients.

    A read: it decides nothing and needs no actor, so callers load the facility through an
    access helper (``directory.services.administered_facility``) first.
    """
    now = timezone.now()
    booked = Appointment.objects.filter(
        role__facility=facility, status=Appointment.Status.BOOKED, starts_at__gt=now
    ).select_related("role__practitioner", "role__facility", "visit_type")
    if role_id is not None:
        booked = booked.filter(role_id=role_id)
    by_role: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in booked.order_by("starts_at")[:2000]:
        by_role[appointment.role_id].append(appointment)
    zone = ZoneInfo(facility.timezone)
    found: list[tuple[Appointment, str]] = []
    for appointments in by_role.values():
        role = appointments[0].role
        first = appointments[0].starts_at.astimezone(zone).date()
        last = appointments[-1].starts_at.astimezone(zone).date()
        fitting = {(s.starts_at, s.visit_type_id) for s in planned_slots(role=role, first_day=first, last_day=last)}
        time_off = list(
            AvailabilityException.objects.filter(
                role=role, kind=AvailabilityException.Kind.TIME_OFF, ends_at__gt=now
            ).values_list("starts_at", "ends_at")
        )
        for a in appointments:
            if not role.is_active:
                found.append((a, "deactivated"))
            elif not a.visit_type.is_active:
                found.append((a, "retired"))
            elif any(a.starts_at < end and start < a.ends_at for start, end in time_off):
                found.append((a, "time_off"))
            elif (a.starts_at, a.visit_type_id) not in fitting:
                found.append((a, "hours"))
    found.sort(key=lambda pair: pair[0].starts_at)
    return [
        Misfit(
            public_id=a.public_id,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            zone=zone,
            role_id=a.role_id,
            practitioner=a.role.practitioner.display_name,
            visit_type=a.visit_type.name,
            why=WHY[why],
        )
        for a, why in found[:limit]
    ]
