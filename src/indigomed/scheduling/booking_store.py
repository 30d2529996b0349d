"""The booking's database work in as few round trips as the engine allows (BOOK-2 hot path).

One statement loads everything a booking checks and shows (slot, practitioner, facility, visit
type, the reason and plan asked for, whether the practitioner sees that reason and takes that
plan). On PostgreSQL one more statement writes the appointment, closes the slot and refreshes
the practitioner's next open time; SQLite takes the same three writes in one transaction.
Either way the partial unique index on the slot decides a race: the loser's insert fails.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from indigomed import rawsql
from indigomed.directory.models import (
    Facility,
    InsuranceCarrier,
    InsurancePlan,
    Practitioner,
    PractitionerRole,
    VisitReason,
)
from indigomed.scheduling.models import Appointment, Slot, VisitType
from indigomed.scheduling.next_open import refresh_next_open

_CONTEXT = """
SELECT s.id, s.starts_at, s.ends_at, s.is_open,
       r.id, r.is_active,
       vt.id, vt.name, vt.duration_minutes,
       p.id, p.slug, p.title, p.given_name, p.family_name,
       f.id, f.slug, f.name, f.street, f.city, f.postal_code, f.timezone, f.cancel_cutoff_hours,
       vr.id, vr.slug, vr.name, vr.specialty_id, vr.tags,
       (SELECT COUNT(*) FROM directory_practitioner_specialties ps
         WHERE ps.practitioner_id = p.id AND ps.specialty_id = vr.specialty_id),
       ip.id, ip.slug, ip.name, ic.id, ic.name,
       (SELECT COUNT(*) FROM directory_practitioner_plans pp
         WHERE pp.practitioner_id = p.id AND pp.insuranceplan_id = ip.id),
       (SELECT CASE WHEN m.parental_consent_needed AND m.parental_consent_at IS NULL THEN 2 ELSE 1 END
          FROM accounts_member m WHERE m.user_id = %s),
       (SELECT COUNT(*) FROM scheduling_availabilityexception e
         WHERE e.role_id = s.role_id AND e.kind = 'time_off' AND e.starts_at < s.ends_at AND e.ends_at > s.starts_at)
FROM scheduling_slot s
JOIN directory_practitionerrole r ON r.id = s.role_id
JOIN scheduling_visittype vt ON vt.id = s.visit_type_id
JOIN directory_practitioner p ON p.id = r.practitioner_id
JOIN directory_facility f ON f.id = r.facility_id
LEFT JOIN directory_visitreason vr ON vr.slug = %s
LEFT JOIN directory_insuranceplan ip ON ip.slug = %s
LEFT JOIN directory_insurancecarrier ic ON ic.id = ip.carrier_id
WHERE s.id = %s
"""

# The slot's own row is excluded from the next-open computation: this statement's update of it
# is not visible to its own subquery. The updates read the insert's result, so the insert runs
# first: a booking waits on a racing cancellation's appointment row before it locks the slot or
# the practitioner's row, in the same order a cancellation takes them, and no cycle can form.
_BOOK_POSTGRES = """
WITH booked AS (
    INSERT INTO scheduling_appointment (public_id, member_id, slot_id, role_id, visit_type_id,
        starts_at, ends_at, status, booked_at, status_changed_at, rescheduled_from_id)
    VALUES (%s, %s, %s, %s, %s, %s, %s, 'booked', %s, %s, %s)
    RETURNING id, slot_id, role_id
), closed AS (
    UPDATE scheduling_slot SET is_open = false WHERE id = (SELECT slot_id FROM booked)
)
UPDATE directory_practitionerrole SET next_open_at = (
    SELECT MIN(o.starts_at) FROM scheduling_slot o
    WHERE o.role_id = %s AND o.is_open AND o.starts_at > %s AND o.id <> %s)
WHERE id = (SELECT role_id FROM booked)
RETURNING (SELECT id FROM booked)
"""


@dataclass(frozen=True)
class BookedDetails:
    """Why and how a booking was made, as the booking itself knew them (the same shape privacy
    returns when it opens the sealed copy)."""

    reason_slug: str
    reason_name: str
    tags: tuple[str, ...]
    plan_slug: str | None
    plan_name: str | None


@dataclass(frozen=True)
class BookingContext:
    """What the booking checks, as unsaved model instances ready to render."""

    slot: Slot
    reason: VisitReason | None
    practitioner_sees_reason: bool
    plan: InsurancePlan | None
    practitioner_takes_plan: bool
    booker_is_member: bool
    booker_awaits_parental_consent: bool
    slot_closed_for_time_off: bool


@dataclass(frozen=True)
class Holdings:
    """What a member already holds: upcoming bookings with one practitioner and in all, and
    whether any of their appointments overlaps a given time."""

    with_practitioner: int
    upcoming: int
    overlapping: bool


def load_context(
    *, booker_id: int, slot_id: int, visit_reason: str, insurance_plan: str | None
) -> BookingContext | None:
    """Everything the booking needs in one statement; ``None`` for an unknown slot."""
    found = rawsql.rows(_CONTEXT, [booker_id, visit_reason, insurance_plan or "", slot_id])
    if not found:
        return None
    (s_id, s_start, s_end, s_open, r_id, r_active, vt_id, vt_name, vt_minutes,
     p_id, p_slug, p_title, p_given, p_family,
     f_id, f_slug, f_name, f_street, f_city, f_postal, f_zone, f_cutoff,
     vr_id, vr_slug, vr_name, vr_specialty, vr_tags, seen,
     ip_id, ip_slug, ip_name, ic_id, ic_name, taken, is_member, time_off) = found[0]  # fmt: skip
    facility = Facility(
        id=f_id,
        slug=f_slug,
        name=f_name,
        street=f_street,
        city=f_city,
        postal_code=f_postal,
        timezone=f_zone,
        cancel_cutoff_hours=f_cutoff,
    )
    practitioner = Practitioner(id=p_id, slug=p_slug, title=p_title, given_name=p_given, family_name=p_family)
    role = PractitionerRole(id=r_id, practitioner=practitioner, facility=facility, is_active=bool(r_active))
    visit_type = VisitType(id=vt_id, role=role, name=vt_name, duration_minutes=vt_minutes)
    slot = Slot(
        id=s_id,
        role=role,
        visit_type=visit_type,
        starts_at=rawsql.read_when(s_start),
        ends_at=rawsql.read_when(s_end),
        is_open=bool(s_open),
    )
    reason = None
    if vr_id is not None:
        tags = json.loads(vr_tags) if isinstance(vr_tags, str) else (vr_tags or [])
        reason = VisitReason(id=vr_id, slug=vr_slug, name=vr_name, specialty_id=vr_specialty, tags=tags)
    plan = None
    if ip_id is not None:
        plan = InsurancePlan(id=ip_id, slug=ip_slug, name=ip_name, carrier=InsuranceCarrier(id=ic_id, name=ic_name))
    for instance in (facility, practitioner, role, visit_type, slot, reason, plan):
        if instance is not None:
            instance._state.adding = False
            instance._state.db = connection.alias
    return BookingContext(
        slot, reason, bool(seen), plan, bool(taken), is_member is not None, is_member == 2, bool(time_off)
    )


def lock_member(*, member_id: int) -> None:
    """Serialise one member's bookings until the transaction ends, so that limits counted next hold.

    ``FOR NO KEY UPDATE`` does not block the foreign-key checks of rows that point at the user.
    SQLite's write transactions are serialised already (``IMMEDIATE``).
    """
    list(get_user_model().objects.select_for_update(no_key=True).filter(pk=member_id).values_list("pk", flat=True))


def holdings(*, member_id: int, practitioner_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> Holdings:
    """Count, in one statement, what limits a new booking of the member (call after ``lock_member``)."""
    now = timezone.now()
    upcoming = Q(status=Appointment.Status.BOOKED, starts_at__gt=now)
    found = Appointment.objects.filter(
        member_id=member_id, status__in=[Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN], ends_at__gt=now
    ).aggregate(
        with_practitioner=Count("pk", filter=upcoming & Q(role__practitioner_id=practitioner_id)),
        upcoming=Count("pk", filter=upcoming),
        overlapping=Count("pk", filter=Q(starts_at__lt=ends_at, ends_at__gt=starts_at)),
    )
    return Holdings(found["with_practitioner"], found["upcoming"], found["overlapping"] > 0)


def write_booking(*, member: Any, context: BookingContext, rescheduled_from: Appointment | None) -> Appointment:
    """Insert the appointment, close the slot, refresh the next open time: all or nothing.

    Raises ``IntegrityError`` when the slot is already held (the caller turns it into SlotTaken).
    """
    slot, now = context.slot, timezone.now()
    appointment = Appointment(
        public_id=uuid.uuid4(),
        member=member,
        slot=slot,
        role=slot.role,
        visit_type=slot.visit_type,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=Appointment.Status.BOOKED,
        booked_at=now,
        status_changed_at=now,
        rescheduled_from=rescheduled_from,
    )
    if connection.vendor == "postgresql":
        appointment.id = _write_postgres(appointment, now)
    else:
        with transaction.atomic():
            appointment.save(force_insert=True)
            Slot.objects.filter(pk=slot.pk).update(is_open=False)
            refresh_next_open(role_ids=[slot.role.pk])
    slot.is_open = False
    reason, plan = context.reason, context.plan
    assert reason is not None
    appointment.details = BookedDetails(  # type: ignore[attr-defined]
        reason.slug, reason.name, tuple(reason.tags or ()), plan.slug if plan else None, str(plan) if plan else None
    )
    return appointment


def _write_postgres(appointment: Appointment, now: dt.datetime) -> int:
    slot = appointment.slot
    params = [
        appointment.public_id, appointment.member.pk, slot.pk, slot.role.pk, slot.visit_type.pk,
        appointment.starts_at, appointment.ends_at, now, now,
        appointment.rescheduled_from.pk if appointment.rescheduled_from else None,
        slot.role.pk, now, slot.pk,
    ]  # fmt: skip
    # A single statement is atomic on its own; inside a caller's transaction (a reschedule) it
    # takes a savepoint so that losing the race leaves the caller's work intact.
    if connection.in_atomic_block:
        with transaction.atomic():
            return int(rawsql.rows(_BOOK_POSTGRES, params)[0][0])
    return int(rawsql.rows(_BOOK_POSTGRES, params)[0][0])
