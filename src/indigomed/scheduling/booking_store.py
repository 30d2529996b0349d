"""The booking's database work in as few round trips as the engine allows (BOOK-2 hot path).

One statement loads everything a booking checks and writes (slot, practitioner, facility, visit
type, the reason and plan asked for, whether the practitioner sees that reason and takes that
plan, whether the visit type fits that reason and the booker, and who holds the slot). On
PostgreSQL one more statement writes the appointment, closes the slot and refreshes the
practitioner's next open time; SQLite takes the same three writes in one transaction. Either way
the partial unique index on the slot decides a race for a slot: the loser's insert fails; and the
exclusion constraint (a trigger on SQLite) refuses the member a second appointment at one time.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from indigomed import rawsql
from indigomed.directory.models import InsuranceCarrier, InsurancePlan, Practitioner, PractitionerRole
from indigomed.precompiled import Precompiled
from indigomed.scheduling.models import Appointment, Slot, SlotHold, VisitType
from indigomed.scheduling.next_open import refresh_next_open

BOOKED, CHECKED_IN = Appointment.Status.BOOKED.value, Appointment.Status.CHECKED_IN.value

_CONTEXT = """
SELECT s.id, s.starts_at, s.ends_at,
       r.id, r.is_active, s.visit_type_id,
       p.id, p.title, p.given_name, p.family_name,
       f.id, f.name,
       vr.id, vr.slug, vr.name, vr.tags,
       (SELECT COUNT(*) FROM directory_practitioner_specialties ps
         WHERE ps.practitioner_id = p.id AND ps.specialty_id = vr.specialty_id),
       ip.id, ip.slug, ip.name, ic.name,
       (SELECT COUNT(*) FROM directory_practitioner_plans pp
         WHERE pp.practitioner_id = p.id AND pp.insuranceplan_id = ip.id),
       (SELECT CASE WHEN m.parental_consent_needed AND m.parental_consent_at IS NULL THEN 2 ELSE 1 END
          FROM accounts_member m WHERE m.user_id = %s),
       (SELECT COUNT(*) FROM scheduling_availabilityexception e
         WHERE e.role_id = s.role_id AND e.kind = 'time_off' AND e.starts_at < s.ends_at AND e.ends_at > s.starts_at),
       vt.name, vt.is_active, vt.patients,
       CASE WHEN NOT EXISTS (SELECT 1 FROM scheduling_visittype_reasons x WHERE x.visittype_id = vt.id) THEN 1
            WHEN EXISTS (SELECT 1 FROM scheduling_visittype_reasons x
                          WHERE x.visittype_id = vt.id AND x.visitreason_id = vr.id) THEN 1
            ELSE 0 END,
       CASE WHEN vt.patients = 'any' THEN NULL
            WHEN EXISTS (SELECT 1 FROM scheduling_appointment a
                         JOIN directory_practitionerrole ar ON ar.id = a.role_id
                         WHERE a.member_id = %s AND a.status = 'completed' AND ar.practitioner_id = p.id) THEN 1
            ELSE 0 END,
       h.holder, h.expires_at
FROM scheduling_slot s
JOIN directory_practitionerrole r ON r.id = s.role_id
JOIN directory_practitioner p ON p.id = r.practitioner_id
JOIN directory_facility f ON f.id = r.facility_id
JOIN scheduling_visittype vt ON vt.id = s.visit_type_id
LEFT JOIN directory_visitreason vr ON vr.slug = %s
LEFT JOIN directory_insuranceplan ip ON ip.slug = %s
LEFT JOIN directory_insurancecarrier ic ON ic.id = ip.carrier_id
LEFT JOIN scheduling_slothold h ON h.slot_id = s.id AND h.expires_at > %s
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


@dataclass(frozen=True, slots=True)
class ReasonAsked:
    """The visit reason a booking asks for, as the directory lists it."""

    slug: str
    name: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanAsked:
    """The insurance plan a booking asks to use."""

    slug: str
    label: str  # carrier and plan, as members read it


@dataclass(frozen=True, slots=True)
class BookingContext:
    """What the booking checks and writes, read in one statement."""

    slot_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    role_id: int
    role_active: bool
    visit_type_id: int
    practitioner_id: int
    practitioner_name: str
    facility_id: int
    facility_name: str
    reason: ReasonAsked | None
    practitioner_sees_reason: bool
    plan: PlanAsked | None
    practitioner_takes_plan: bool
    booker_is_member: bool
    booker_awaits_parental_consent: bool
    slot_closed_for_time_off: bool
    visit_type_name: str
    visit_type_active: bool
    visit_type_patients: str  # any, new or returning
    visit_type_fits_reason: bool
    # Whether the booker has had a completed visit with the practitioner; only asked (not None)
    # when the visit type is for new or for returning patients.
    booker_returning: bool | None
    held_by: str | None  # the holder of an unexpired hold on the slot
    held_until: dt.datetime | None


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
    params = [booker_id, booker_id, visit_reason, insurance_plan or "", rawsql.when(timezone.now()), slot_id]
    found = rawsql.rows(_CONTEXT, params)
    if not found:
        return None
    (s_id, s_start, s_end, r_id, r_active, vt_id, p_id, p_title, p_given, p_family, f_id, f_name,
     vr_id, vr_slug, vr_name, vr_tags, seen,
     ip_id, ip_slug, ip_name, ic_name, taken, is_member, time_off,
     vt_name, vt_active, vt_patients, vt_fits_reason, returning, held_by, held_until) = found[0]  # fmt: skip
    reason = None
    if vr_id is not None:
        tags = json.loads(vr_tags) if isinstance(vr_tags, str) else (vr_tags or [])
        reason = ReasonAsked(vr_slug, vr_name, tuple(tags))
    plan = None
    if ip_id is not None:
        # Named as the directory names it everywhere else (carrier, then plan).
        plan = PlanAsked(ip_slug, str(InsurancePlan(name=ip_name, carrier=InsuranceCarrier(name=ic_name))))
    return BookingContext(
        slot_id=s_id,
        starts_at=rawsql.read_when(s_start),
        ends_at=rawsql.read_when(s_end),
        role_id=r_id,
        role_active=bool(r_active),
        visit_type_id=vt_id,
        practitioner_id=p_id,
        practitioner_name=Practitioner(title=p_title, given_name=p_given, family_name=p_family).display_name,
        facility_id=f_id,
        facility_name=f_name,
        reason=reason,
        practitioner_sees_reason=bool(seen),
        plan=plan,
        practitioner_takes_plan=bool(taken),
        booker_is_member=is_member is not None,
        booker_awaits_parental_consent=is_member == 2,
        slot_closed_for_time_off=bool(time_off),
        visit_type_name=vt_name,
        visit_type_active=bool(vt_active),
        visit_type_patients=vt_patients,
        visit_type_fits_reason=bool(vt_fits_reason),
        booker_returning=None if returning is None else bool(returning),
        held_by=held_by,
        held_until=rawsql.read_when(held_until) if held_until is not None else None,
    )


def lock_member(*, member_id: int) -> None:
    """Serialise one member's bookings until the transaction ends, so that limits counted next hold.

    ``FOR NO KEY UPDATE`` does not block the foreign-key checks of rows that point at the user.
    SQLite's write transactions are serialised already (``IMMEDIATE``).
    """
    _MEMBER_LOCKED.rows(member_id)


# Statements every booking runs, written or compiled once (the ORM's compile cost more than them).
_MEMBER_LOCKED = Precompiled(
    lambda member_id: get_user_model().objects.select_for_update(no_key=True).filter(pk=member_id).values_list("pk")
)
# The statuses are written into the text, not passed: only then can the planner of a prepared
# statement read the member's held appointments from the partial index that holds just those
# (``appointment_member_held``). Given as parameters, it planned once for every status and, with
# statistics a busy hour had outgrown, scanned every held appointment of every member instead.
_HOLDINGS = """
    SELECT
        COUNT(CASE WHEN a.status = 'booked' AND a.starts_at > %s AND r.practitioner_id = %s THEN 1 END),
        COUNT(CASE WHEN a.status = 'booked' AND a.starts_at > %s THEN 1 END),
        COUNT(CASE WHEN a.starts_at < %s AND a.ends_at > %s THEN 1 END)
    FROM scheduling_appointment a
    JOIN directory_practitionerrole r ON r.id = a.role_id
    WHERE a.member_id = %s AND a.status IN ('booked', 'checked_in') AND a.ends_at > %s
"""
assert (BOOKED, CHECKED_IN) == ("booked", "checked_in"), "the statuses written into _HOLDINGS"


def holdings(*, member_id: int, practitioner_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> Holdings:
    """Count, in one statement, what limits a new booking of the member (call after ``lock_member``):
    upcoming booked visits with this practitioner and in all, and any held visit overlapping the time."""
    now = rawsql.when(timezone.now())
    with_practitioner, upcoming, overlapping = rawsql.rows(
        _HOLDINGS,
        [
            *(now, practitioner_id),
            now,
            *(rawsql.when(ends_at), rawsql.when(starts_at)),
            *(member_id, now),
        ],
    )[0]
    return Holdings(int(with_practitioner), int(upcoming), int(overlapping) > 0)


# The exclusion constraint (PostgreSQL) and trigger (SQLite) of migration 0007 that refuse a
# member two overlapping appointments.
_OVERLAP_CONSTRAINT = "appointment_member_never_double_booked"
_OVERLAP_TRIGGER_MESSAGE = "the member already holds an appointment at that time"


def is_overlap(error: IntegrityError) -> bool:
    """Whether the database refused a write because the member would hold two overlapping appointments."""
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) == "23P01":  # exclusion_violation
        return getattr(getattr(cause, "diag", None), "constraint_name", None) == _OVERLAP_CONSTRAINT
    return _OVERLAP_TRIGGER_MESSAGE in str(error)


# What the booking's messages and answer show of the appointment, read by statements compiled once.
_ROLE = Precompiled(lambda pk: PractitionerRole.objects.filter(pk=pk).select_related("facility", "practitioner"))
_VISIT_TYPE = Precompiled(
    lambda pk: VisitType.objects.filter(pk=pk).select_related("role__facility", "role__practitioner")
)


def write_booking(
    *, member_id: int, context: BookingContext, rescheduled_from: Appointment | None, savepoint: bool
) -> Appointment:
    """Insert the appointment, close the slot, refresh the next open time: all or nothing. The
    appointment comes back with its role (facility and practitioner) and visit type loaded.

    Raises ``IntegrityError`` when the slot is already held (the caller turns it into SlotTaken).
    With ``savepoint``, losing that race leaves the rest of the caller's transaction intact (a
    reschedule); without, the caller's transaction is the booking's own and ends with it.
    """
    now = timezone.now()
    appointment = Appointment(
        public_id=uuid.uuid4(),
        member_id=member_id,
        slot_id=context.slot_id,
        role_id=context.role_id,
        visit_type_id=context.visit_type_id,
        starts_at=context.starts_at,
        ends_at=context.ends_at,
        status=Appointment.Status.BOOKED,
        booked_at=now,
        status_changed_at=now,
        rescheduled_from=rescheduled_from,
    )
    # The visit type with its calendar, facility and practitioner in one statement (a slot's visit
    # type is one its calendar offers); the calendar on its own should they ever differ.
    visit_type = _VISIT_TYPE.objects(context.visit_type_id)[0]
    appointment.visit_type = visit_type
    appointment.role = visit_type.role if visit_type.role_id == context.role_id else _ROLE.objects(context.role_id)[0]
    if context.held_by is not None:
        # The booker's own hold (the service refuses anyone else's) ends with the booking.
        SlotHold.objects.filter(slot_id=context.slot_id).delete()
    with transaction.atomic() if savepoint else nullcontext():
        if connection.vendor == "postgresql":
            appointment.id = _write_postgres(appointment, now)
        else:
            with transaction.atomic(savepoint=False):
                appointment.save(force_insert=True)
                Slot.objects.filter(pk=context.slot_id).update(is_open=False)
                refresh_next_open(role_ids=[context.role_id])
    return appointment


def _write_postgres(appointment: Appointment, now: dt.datetime) -> int:
    params = [
        appointment.public_id, appointment.member_id, appointment.slot_id, appointment.role_id,
        appointment.visit_type_id, appointment.starts_at, appointment.ends_at, now, now,
        appointment.rescheduled_from_id, appointment.role_id, now, appointment.slot_id,
    ]  # fmt: skip
    return int(rawsql.rows(_BOOK_POSTGRES, params)[0][0])
