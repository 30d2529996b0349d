"""The practice's calendar as Connect shows it, on the page and over the API alike: its days in the
facility's zone, and each appointment with what privacy lets the viewer's role see of the patient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from indigomed.directory.models import PractitionerRole
from indigomed.privacy.care import CareRow, CareView, care_views
from indigomed.scheduling.models import Appointment


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One appointment and the care view decided for it."""

    appointment: Appointment
    patient: CareView


def practice_zone(runs: QuerySet[Any]) -> ZoneInfo | None:
    """The zone a practice's days are counted in: the facility's of the first calendar it runs
    (``runs`` is ``queries.roles_managed_by``); ``None`` for someone who runs no calendar."""
    role = PractitionerRole.objects.filter(pk__in=runs).select_related("facility").order_by("pk").first()
    return ZoneInfo(role.facility.timezone) if role else None


def local_days(first: dt.date, span: int, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of ``span`` local days from ``first`` in ``zone``, as aware datetimes."""
    start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=zone)
    return start, dt.datetime.combine(first + dt.timedelta(days=span), dt.time(0, 0), tzinfo=zone)


def calendar_entries(user: Any, appointments: Sequence[Appointment]) -> list[CalendarEntry]:
    """Each appointment with its care view, in order; every view is decided and logged by privacy."""
    views = care_views(user=user, rows=[CareRow(a.public_id, a.member_id, a.role) for a in appointments])
    return [CalendarEntry(a, views[a.public_id]) for a in appointments]
