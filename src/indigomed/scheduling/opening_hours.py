"""What a practice opens and closes: slots cut from weekly rules, the periodic sweep, time off and
extra hours (BOOK-1). Booking them is ``scheduling.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.conf import product_setting
from indigomed.directory.models import PractitionerRole
from indigomed.errors import Invalid, NotFound
from indigomed.scheduling.availability import SlotSpec, WeeklyRule, Window, slots_between
from indigomed.scheduling.models import Appointment, AvailabilityException, Slot
from indigomed.scheduling.next_open import refresh_next_open
from indigomed.scheduling.queries import (
    roles_managed_by,
)
from indigomed.scheduling.reach import check_window_in_horizon
from indigomed.security.services import record_event

# --- Slots ------------------------------------------------------------------------------------

# Appointments that hold their time: a slot overlapping one is never opened beside it.
LIVE = (Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN)


def planned_slots(*, role: PractitionerRole, first_day: dt.date, last_day: dt.date) -> list[SlotSpec]:
    """The slots the role's weekly rules, extra hours and time off make between two local dates,
    whatever is booked: what the calendar would hold if it were empty."""
    return _plan(role, first_day, last_day)[0]


def _plan(role: PractitionerRole, first_day: dt.date, last_day: dt.date) -> tuple[list[SlotSpec], list[Window]]:
    zone = ZoneInfo(role.facility.timezone)
    rules = [
        WeeklyRule(
            weekday=r.weekday,
            start=r.start_time,
            end=r.end_time,
            duration=dt.timedelta(minutes=r.visit_type.duration_minutes),
            visit_type_id=r.visit_type_id,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
        )
        for r in role.availability_rules.select_related("visit_type")
    ]
    # Extra hours of a retired visit type open nothing more.
    exceptions = list(role.availability_exceptions.select_related("visit_type").exclude(visit_type__is_active=False))
    time_off = [Window(e.starts_at, e.ends_at) for e in exceptions if e.kind == AvailabilityException.Kind.TIME_OFF]
    extra = [
        Window(e.starts_at, e.ends_at, dt.timedelta(minutes=e.visit_type.duration_minutes), e.visit_type_id)
        for e in exceptions
        if e.kind == AvailabilityException.Kind.EXTRA_HOURS and e.visit_type is not None
    ]
    specs = slots_between(
        rules=rules, zone=zone, first_day=first_day, last_day=last_day, time_off=time_off, extra_hours=extra
    )
    return specs, time_off


def generate_slots(*, role: PractitionerRole, first_day: dt.date, last_day: dt.date) -> int:
    """Create the slots the role's rules and exceptions make between two local dates.

    Idempotent: slots that exist are kept (booked or not), new ones are added, and open
    slots that time off now covers are closed. A new slot never overlaps a booked one, which a
    change of rules may have left off the new grid (``practice_rules``). Returns the number of
    slots created.
    """
    planned, time_off = _plan(role, first_day, last_day)
    now = timezone.now()
    specs = [s for s in planned if s.starts_at > now]
    with transaction.atomic():
        if specs:
            booked = list(
                Appointment.objects.filter(
                    role=role, status__in=LIVE, starts_at__lt=specs[-1].ends_at, ends_at__gt=specs[0].starts_at
                ).values_list("starts_at", "ends_at")
            )
            specs = [s for s in specs if not any(s.starts_at < end and start < s.ends_at for start, end in booked)]
        existing = set(
            Slot.objects.filter(
                role=role,
                starts_at__gte=specs[0].starts_at if specs else timezone.now(),
                starts_at__lte=specs[-1].starts_at if specs else timezone.now(),
            ).values_list("starts_at", flat=True)
        )
        new = [
            Slot(role=role, visit_type_id=s.visit_type_id, starts_at=s.starts_at, ends_at=s.ends_at)
            for s in specs
            if s.starts_at not in existing
        ]
        Slot.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        for window in time_off:
            Slot.objects.filter(
                role=role, is_open=True, starts_at__lt=window.ends_at, ends_at__gt=window.starts_at
            ).update(is_open=False)
        refresh_next_open(role_ids=[role.pk])
    return len(new)


def generate_upcoming_slots(*, role: PractitionerRole, today: dt.date | None = None) -> int:
    """Fill the role's calendar up to the horizon in settings (``SLOT_HORIZON_DAYS``)."""
    zone = ZoneInfo(role.facility.timezone)
    today = today or timezone.now().astimezone(zone).date()
    horizon = int(product_setting("SLOT_HORIZON_DAYS"))
    return generate_slots(role=role, first_day=today, last_day=today + dt.timedelta(days=horizon))


def sweep_calendars(*, today: dt.date | None = None) -> int:
    """The periodic sweep: extend every active calendar to the horizon and refresh next open times.

    Safe to run at any time and from several workers at once (slot creation is idempotent).
    Returns the number of slots created.
    """
    created = 0
    for role in PractitionerRole.objects.filter(is_active=True).select_related("facility").order_by("pk").iterator():
        created += generate_upcoming_slots(role=role, today=today)
    # Roles whose earliest slot has just passed need a new next open time even if nothing changed.
    stale = PractitionerRole.objects.filter(next_open_at__lte=timezone.now()).values_list("pk", flat=True)
    refresh_next_open(role_ids=list(stale))
    return created


MAX_EXCEPTION = dt.timedelta(days=366)


def _check_window(starts_at: dt.datetime, ends_at: dt.datetime, what: str) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise Invalid(f"Give the {what} times with a time zone.")
    if ends_at <= starts_at:
        raise Invalid(f"The end of the {what} must come after its start.")
    check_window_in_horizon(starts_at, ends_at, what)
    if ends_at - starts_at > MAX_EXCEPTION:
        raise Invalid(f"The {what} can span at most a year.")


def add_time_off(
    *, actor: Any, role: PractitionerRole, starts_at: dt.datetime, ends_at: dt.datetime
) -> AvailabilityException:
    """Block a window of a role's calendar: its open slots close at once.

    Booked appointments in the window stay booked; the practice moves them with the patients.
    Raises ``NotFound`` for a calendar the actor does not run, ``Invalid`` for a bad window:
    one that ends before it starts, is over, spans more than a year or reaches past the horizon.
    """
    _require_runs_role(actor, role)
    _check_window(starts_at, ends_at, "time off")
    with transaction.atomic():
        exception = AvailabilityException.objects.create(
            role=role, kind=AvailabilityException.Kind.TIME_OFF, starts_at=starts_at, ends_at=ends_at
        )
        Slot.objects.filter(role=role, is_open=True, starts_at__lt=ends_at, ends_at__gt=starts_at).update(is_open=False)
        refresh_next_open(role_ids=[role.pk])
        record_event(
            actor=actor,
            action="calendar.time_off_added",
            subject_ref=f"calendar:{role.pk}",
            details={"exception": exception.pk},
        )
    return exception


def add_extra_hours(
    *, actor: Any, role: PractitionerRole, starts_at: dt.datetime, ends_at: dt.datetime, visit_type_id: int
) -> AvailabilityException:
    """Open extra hours on a role's calendar, cut into slots of one of its visit types.

    Raises ``NotFound`` for a calendar the actor does not run or a visit type it does not
    offer, ``Invalid`` for a bad window (as for time off) or one in which no visit can be booked.
    """
    _require_runs_role(actor, role)
    _check_window(starts_at, ends_at, "extra hours")
    visit_type = role.visit_types.filter(pk=visit_type_id).first()
    if visit_type is None:
        raise NotFound(_("This calendar has no such visit type."))
    zone = ZoneInfo(role.facility.timezone)
    with transaction.atomic():
        exception = AvailabilityException.objects.create(
            role=role,
            kind=AvailabilityException.Kind.EXTRA_HOURS,
            starts_at=starts_at,
            ends_at=ends_at,
            visit_type=visit_type,
        )
        opened = generate_slots(
            role=role, first_day=starts_at.astimezone(zone).date(), last_day=ends_at.astimezone(zone).date()
        )
        if not opened:
            # Saying "opened" when nothing can be booked would leave the practice waiting for no one.
            raise Invalid(
                _(
                    "No %(visit)s fits in these hours: they fall in time off, are open already, "
                    "or are shorter than the visit. Nothing was changed."
                )
                % {"visit": visit_type.name.lower()}
            )
        record_event(
            actor=actor,
            action="calendar.extra_hours_added",
            subject_ref=f"calendar:{role.pk}",
            details={"exception": exception.pk, "visit_type": visit_type.pk},
        )
    return exception


def _require_runs_role(actor: Any, role: PractitionerRole) -> None:
    if role.pk not in set(roles_managed_by(actor)):
        raise NotFound(_("We could not find that calendar."))
