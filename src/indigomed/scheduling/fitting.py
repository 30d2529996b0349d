"""Which visit types fit a patient: new to the practitioner or returning, and the reason they come for.

A visit type fits when it is still offered, is for "any" patient or for the kind the member is
taken to be, and names no reasons or names the member's. What kind a member is taken to be:

- someone who says they are new is new (a returning patient may choose a longer first-visit
  slot; nothing is lost but the practice's time, and the practice offered it);
- someone who says they are returning is returning only if they have had a completed visit with
  that practitioner (at any of their places) on IndigoMed; otherwise they are taken as new, and the
  pages say why. A claim cannot be checked any other way, and a follow-up slot is too short for
  a first visit;
- someone who does not say (the API, a referral, a move) is what their history makes them.

The booking service checks the same rules on what the one statement it loads a booking with read
(``booking_store``), with ``refuse_unless_fits``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.directory.models import VisitReason
from indigomed.scheduling.booking_store import BookingContext
from indigomed.scheduling.errors import VisitTypeDoesNotFit
from indigomed.scheduling.models import Appointment, Slot, SlotHold, VisitType
from indigomed.scheduling.queries import OpenSlot
from indigomed.scheduling.reach import horizon_days

NEW = VisitType.Patients.NEW.value
RETURNING = VisitType.Patients.RETURNING.value
ANY = VisitType.Patients.ANY.value
PATIENT_KINDS = (NEW, RETURNING)


@dataclass(frozen=True, slots=True)
class PatientKind:
    """What a member is taken to be for one practitioner, and whether that differs from what they said."""

    kind: str
    said_returning_without_a_visit: bool = False


def has_completed_visit_with(*, member_id: int, practitioner_id: int) -> bool:
    """Whether the member has had a completed visit with the practitioner, at any of their places."""
    return Appointment.objects.filter(
        member_id=member_id, status=Appointment.Status.COMPLETED, role__practitioner_id=practitioner_id
    ).exists()


def patient_kind(*, member_id: int | None, practitioner_id: int, said: str | None) -> PatientKind:
    """New or returning, as IndigoMed takes the member for this practitioner (the module's rules).

    Without a member (someone not signed in) what they say stands until they book.
    """
    if said == NEW:
        return PatientKind(NEW)
    if member_id is None:
        return PatientKind(said or NEW)
    returning = has_completed_visit_with(member_id=member_id, practitioner_id=practitioner_id)
    if said == RETURNING and not returning:
        return PatientKind(NEW, said_returning_without_a_visit=True)
    return PatientKind(RETURNING if returning else NEW)


def fitting_visit_types(*, kind: str, reason_slug: str) -> QuerySet[VisitType]:
    """Visit types, of any calendar, that fit a patient of ``kind`` coming for the reason."""
    reasons = VisitType.reasons.through.objects.filter(visittype_id=OuterRef("pk"))
    return VisitType.objects.filter(
        Q(is_active=True),
        Q(patients__in=[ANY, kind]),
        ~Exists(reasons) | Exists(reasons.filter(visitreason__slug=reason_slug)),
    )


def fits(visit_type: VisitType, *, kind: str, reason_slug: str) -> bool:
    """Whether one visit type fits (the same rule as ``fitting_visit_types``)."""
    return fitting_visit_types(kind=kind, reason_slug=reason_slug).filter(pk=visit_type.pk).exists()


def fitting_open_slots(
    role_id: int,
    *,
    kind: str,
    reason_slug: str,
    start: dt.datetime,
    end: dt.datetime,
    holder: str | None = None,
    limit: int | None = None,
) -> list[OpenSlot]:
    """Open future slots of a calendar in [start, end) whose visit type fits, leaving out those
    another visitor holds (``holder`` is the asking visitor's, from ``holds.holder_of``)."""
    # A reason the practitioner does not see fits none of their visits, as the booking decides.
    if not VisitReason.objects.filter(slug=reason_slug, specialty__practitioners__roles=role_id).exists():
        return []
    now = timezone.now()
    held_by_others = SlotHold.objects.filter(slot_id=OuterRef("pk"), expires_at__gt=now)
    if holder:
        held_by_others = held_by_others.exclude(holder=holder)
    rows = (
        Slot.objects.filter(
            role_id=role_id,
            is_open=True,
            starts_at__gte=max(start, now),
            starts_at__lt=end,
            visit_type__in=fitting_visit_types(kind=kind, reason_slug=reason_slug).filter(role_id=role_id),
        )
        .exclude(Exists(held_by_others))
        .order_by("starts_at")
        .values_list("id", "role_id", "starts_at", "ends_at", "visit_type__name")
    )
    return [OpenSlot(*row) for row in (rows[:limit] if limit else rows)]


def refuse_unless_fits(*, member_id: int, context: BookingContext, said: str | None) -> None:
    """The booking's check, on what its one statement read (``booking_store``): raise
    ``VisitTypeDoesNotFit``, with the next times that do fit, for a slot whose visit type is retired
    or is not for this patient (as ``patient_kind`` takes them) or this reason."""
    reason = context.reason
    assert reason is not None
    needed = context.visit_type_patients
    returning = context.booker_returning
    # As ``patient_kind`` takes the member, from what the one statement read.
    kind = NEW if said == NEW or returning is False else RETURNING if returning else None
    if context.visit_type_active and context.visit_type_fits_reason and needed in (ANY, kind):
        return
    if kind is None:  # the visit type is for anyone: only the kind of the alternatives needs it
        kind = patient_kind(member_id=member_id, practitioner_id=context.practitioner_id, said=said).kind
    who = context.practitioner_name
    if not context.visit_type_active:
        message = _("%(name)s no longer offers %(visit)s visits.") % {"name": who, "visit": context.visit_type_name}
    elif needed not in (ANY, kind) and needed == RETURNING and said == RETURNING:
        message = _(
            "%(visit)s visits with %(name)s are for their returning patients, and we have no "
            "completed visit of yours with them here, so we take you as a new patient."
        ) % {"visit": context.visit_type_name, "name": who}
    elif needed not in (ANY, kind):
        message = (
            _("This time is for returning patients (%(visit)s); you are booking as a new patient.")
            if needed == RETURNING
            else _("This time is for new patients (%(visit)s); you are booking as a returning patient.")
        ) % {"visit": context.visit_type_name}
    else:
        message = _("This time (%(visit)s) is not for %(reason)s.") % {
            "visit": context.visit_type_name,
            "reason": reason.name.lower(),
        }
    alternatives = fitting_open_slots(
        context.role_id,
        kind=kind,
        reason_slug=reason.slug,
        start=timezone.now(),
        end=timezone.now() + dt.timedelta(days=horizon_days()),
        limit=5,
    )
    raise VisitTypeDoesNotFit(
        message + " " + (_("Here are the next times that fit.") if alternatives else _("No time with them fits yet.")),
        next_slots=alternatives,
        field=None if not context.visit_type_active else "patient" if needed not in (ANY, kind) else "visit_reason",
    )
