"""Booking over the API: open slots, my appointments, cancel, move, .ics; and the Connect calendar."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth
from pydantic import BaseModel, Strict

from indigomed.accounts.roles import actor_of
from indigomed.directory.models import PractitionerRole
from indigomed.errors import Forbidden, Invalid, NotFound
from indigomed.privacy.services import own_booking_details
from indigomed.scheduling import fitting, opening_hours, queries, services
from indigomed.scheduling.calendar import calendar_entries, local_days, practice_zone
from indigomed.scheduling.ics import appointment_ics
from indigomed.scheduling.models import Appointment
from indigomed.scheduling.reach import check_calendar_day, horizon_days, horizon_end
from indigomed.scheduling.referrals import refer_patient
from indigomed.scheduling.services import MAX_ID

router = Router(tags=["booking"])
connect_router = Router(tags=["connect"], auth=django_auth)

MAX_RANGE = dt.timedelta(days=31)
# Ids in JSON bodies are integers, never booleans, floats or strings that look like one.
StrictInt = Annotated[int, Strict()]


class SlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    visit_type: str


class SlotRange(Schema):
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    patient: Literal["new", "returning"] | None = Field(
        None, description="With visit_reason: only times whose visit type fits this patient and reason"
    )
    visit_reason: str | None = Field(None, min_length=1, max_length=80)


class ConsentIn(Schema):
    """The member's consent that the practitioner see a reason of a specially protected kind."""

    explicit_consent: bool = Field(..., description="True: I consent, for my care, for one year; revocable")
    signed_name: str = Field(..., min_length=1, max_length=200, description="Your full name, typed, as your signature")


class BookIn(Schema):
    slot_id: StrictInt = Field(..., ge=1, le=MAX_ID)
    visit_reason: str = Field(..., min_length=1, max_length=80)
    insurance_plan: str | None = Field(None, max_length=80, description="Plan slug; omit to pay yourself")
    consent: ConsentIn | None = Field(
        None,
        description="Where your law asks it for the reason chosen: signed with the booking, in one step; "
        "ignored for a reason that needs none",
    )
    patient: Literal["new", "returning"] | None = Field(
        None,
        description="Whether you have seen this practitioner before; omitted, your visits on IndigoMed decide. "
        "Returning without a completed visit with them counts as new",
    )


class RescheduleIn(Schema):
    slot_id: StrictInt = Field(..., ge=1, le=MAX_ID)


# The answers below are built as dicts (appointment_out, practice_appointments_out): a plain
# pydantic model checks them in pydantic's own code, where ninja's Schema first wraps each one to
# read it attribute by attribute, as it would a model instance.
class AppointmentOut(BaseModel):
    id: uuid.UUID
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    practitioner: str
    practitioner_slug: str
    facility: str
    facility_slug: str
    address: str
    visit_type: str
    visit_reason: str | None
    insurance_plan: str | None
    can_change_until: dt.datetime
    ics_url: str


class DisputeOut(BaseModel):
    """A statement of disagreement with a denied amendment of a field shown, and the privacy
    office's rebuttal if any: it travels with the field (RIGHT-AMEND)."""

    field: str = Field(description="The field it is about: name, reason or insurance")
    statement: str
    filed_at: dt.datetime
    rebuttal: str = ""
    rebutted_at: dt.datetime | None = None


class PracticeAppointmentOut(BaseModel):
    id: uuid.UUID
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    practitioner: str
    facility: str
    visit_type: str
    visit_reason: str | None = Field(None, description="Withheld (null) when the privacy rules say so")
    patient: str | None = Field(None, description="Withheld (null) when the privacy rules say so")
    insurance: str | None = None
    fields: list[str] = Field(
        default_factory=list,
        description="The patient fields your role's view includes (name, reason, insurance), from the privacy policy",
    )
    withheld: list[str] = Field(default_factory=list, description="Of those, what was withheld, and why")
    disputes: list[DisputeOut] = Field(
        default_factory=list, description="The patient's statements of disagreement about the fields shown"
    )


class StatusIn(Schema):
    status: Literal["checked_in", "completed", "no_show"]


class WindowIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


class ExtraHoursIn(WindowIn):
    visit_type_id: StrictInt = Field(..., ge=1, le=MAX_ID)


class ExceptionOut(Schema):
    id: int
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class ReferralIn(Schema):
    from_appointment: uuid.UUID
    slot_id: StrictInt = Field(..., ge=1, le=MAX_ID)
    visit_reason: str = Field(..., min_length=1, max_length=80)


class ReferralOut(Schema):
    id: uuid.UUID
    appointment_id: uuid.UUID
    practitioner: str
    facility: str
    starts_at: dt.datetime


class CalendarRange(Schema):
    day: dt.date | None = Field(None, description="A day in the facility's time zone; today there by default")
    days: int = Field(1, ge=1, le=7)


def appointment_out(a: Appointment, details: Any) -> dict[str, object]:
    """The member's own appointment; ``details`` are its opened booking details (reason, plan)."""
    f = a.role.facility
    return {
        "id": a.public_id,
        "status": a.status,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "timezone": f.timezone,
        "practitioner": a.role.practitioner.display_name,
        "practitioner_slug": a.role.practitioner.slug,
        "facility": f.name,
        "facility_slug": f.slug,
        "address": f"{f.street}, {f.postal_code} {f.city}",
        "visit_type": a.visit_type.name,
        "visit_reason": details.reason_name if details else None,
        "insurance_plan": details.plan_name if details else None,
        "can_change_until": a.starts_at - dt.timedelta(hours=f.effective_cancel_cutoff_hours),
        "ics_url": f"/api/appointments/{a.public_id}/ics",
    }


@router.get("/roles/{role_id}/slots", response=list[SlotOut], summary="Open slots of a practitioner at a facility")
def role_slots(request: HttpRequest, role_id: int, window: Query[SlotRange]) -> object:
    if not PractitionerRole.objects.filter(pk=role_id, is_active=True).exists():
        raise NotFound(_("We could not find that practitioner at that place."))
    now = timezone.now()
    start = window.start or now
    if start.tzinfo is None or (window.end is not None and window.end.tzinfo is None):
        raise Invalid(_("Give times with a time zone, like 2026-12-01T09:00:00Z."))
    # Checked before any arithmetic: a day added to the year 9999 does not exist.
    if start > horizon_end(now):
        raise Invalid(
            _("Open times are shown up to %(days)d days ahead. Ask for an earlier start.") % {"days": horizon_days()}
        )
    end = window.end or start + dt.timedelta(days=7)
    if end <= start or end - start > MAX_RANGE:
        raise Invalid(_("Ask for a range that ends after it starts and spans at most 31 days."))
    if end <= now:
        return []  # a range wholly past holds no open time (and may lie before the year 1 in UTC)
    if bool(window.patient) != bool(window.visit_reason):
        raise Invalid(_("Give both patient and visit_reason to see the times that fit, or neither."))
    if window.patient and window.visit_reason:
        member_id = request.user.pk if actor_of(request).is_member else None
        practitioner_id = PractitionerRole.objects.filter(pk=role_id).values_list("practitioner_id", flat=True).get()
        kind = fitting.patient_kind(member_id=member_id, practitioner_id=practitioner_id, said=window.patient)
        reason = window.visit_reason
        return fitting.fitting_open_slots(role_id, kind=kind.kind, reason_slug=reason, start=start, end=end)
    return queries.open_slots_for_role(role_id, start=start, end=end)


@router.get("/appointments", response=list[AppointmentOut], auth=django_auth, summary="My appointments")
def my_appointments(request: HttpRequest) -> object:
    return mine_out(request, queries.member_appointments(request.user))


def mine_out(request: HttpRequest, appointments: list[Appointment]) -> list[dict[str, object]]:
    details = own_booking_details(actor=request.user, appointments=appointments)
    return [appointment_out(a, details.get(a.public_id)) for a in appointments]


@router.post("/appointments", response={201: AppointmentOut}, auth=django_auth, summary="Book a slot")
def book(request: HttpRequest, data: BookIn) -> object:
    consent = data.consent
    a = services.book_appointment(
        actor=request.user,
        slot_id=data.slot_id,
        visit_reason=data.visit_reason,
        insurance_plan=data.insurance_plan,
        consent=services.SignedConsent(consent.signed_name, consent.explicit_consent) if consent else None,
        patient=data.patient,
    )
    # The booking is the member's own, with its place, practitioner and visit type already loaded by
    # the service (for the confirmation it queued), and the reason and plan as the member just gave
    # them: nothing stored is read back, so there is no read of their details to log.
    return Status(201, appointment_out(a, a.booked_details))


@router.get("/appointments/{public_id}", response=AppointmentOut, auth=django_auth, summary="One of my appointments")
def my_appointment(request: HttpRequest, public_id: uuid.UUID) -> object:
    return mine_out(request, [queries.appointment_for_member(request.user, public_id)])[0]


@router.post("/appointments/{public_id}/cancel", response=AppointmentOut, auth=django_auth, summary="Cancel")
def cancel(request: HttpRequest, public_id: uuid.UUID) -> object:
    services.cancel_appointment(actor=request.user, public_id=str(public_id))
    return mine_out(request, [queries.appointment_for_member(request.user, public_id)])[0]


@router.post(
    "/appointments/{public_id}/reschedule", response=AppointmentOut, auth=django_auth, summary="Move to another slot"
)
def reschedule(request: HttpRequest, public_id: uuid.UUID, data: RescheduleIn) -> object:
    moved = services.reschedule_appointment(actor=request.user, public_id=str(public_id), new_slot_id=data.slot_id)
    return mine_out(request, [queries.appointment_for_member(request.user, moved.public_id)])[0]


@router.get("/appointments/{public_id}/ics", auth=django_auth, summary="The appointment as an iCalendar file")
def ics(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return appointment_ics(queries.appointment_for_member(request.user, public_id))


def practice_appointments_out(user: object, appointments: list[Appointment]) -> list[dict[str, object]]:
    """Calendar rows; what each shows of the patient is what the viewer's role sees, as the
    privacy decision point decides it."""
    return [
        {
            "id": a.public_id,
            "status": a.status,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "practitioner": a.role.practitioner.display_name,
            "facility": a.role.facility.name,
            "visit_type": a.visit_type.name,
            "visit_reason": patient.reason,
            "patient": patient.name,
            "insurance": patient.insurance,
            "fields": sorted(patient.fields),
            "withheld": patient.withheld,
            "disputes": [
                {
                    "field": shared.field,
                    "statement": shared.dispute.statement,
                    "filed_at": shared.dispute.filed_at,
                    "rebuttal": shared.dispute.rebuttal,
                    "rebutted_at": shared.dispute.rebutted_at,
                }
                for shared in patient.disputes
            ],
        }
        for a, patient in ((entry.appointment, entry.patient) for entry in calendar_entries(user, appointments))
    ]


@connect_router.get("/calendar", response=list[PracticeAppointmentOut], summary="The practice's appointments")
def calendar(request: HttpRequest, window: Query[CalendarRange]) -> object:
    """Appointments of ``days`` days from ``day``, counted in the facility's time zone as the page does."""
    runs = queries.roles_managed_by(request.user)
    zone = practice_zone(runs)
    if zone is None:
        raise Forbidden(_("Connect is for practices: this account does not run a practitioner's calendar."))
    today = timezone.now().astimezone(zone).date()
    day = window.day or today
    check_calendar_day(day, today=today)
    start, end = local_days(day, window.days, zone)
    return practice_appointments_out(request.user, list(queries.appointments_on(runs, start=start, end=end)))


@connect_router.post("/appointments/{public_id}/status", response=PracticeAppointmentOut, summary="Mark a visit")
def mark(request: HttpRequest, public_id: uuid.UUID, data: StatusIn) -> object:
    a = services.set_visit_status(actor=request.user, public_id=str(public_id), status=data.status)
    return practice_appointments_out(request.user, [a])[0]


@connect_router.post("/roles/{role_id}/time-off", response={201: ExceptionOut}, summary="Block time on a calendar")
def time_off(request: HttpRequest, role_id: int, data: WindowIn) -> object:
    role = queries.role_run_by(request.user, role_id)
    return Status(
        201, opening_hours.add_time_off(actor=request.user, role=role, starts_at=data.starts_at, ends_at=data.ends_at)
    )


@connect_router.post("/roles/{role_id}/extra-hours", response={201: ExceptionOut}, summary="Open extra hours")
def extra_hours(request: HttpRequest, role_id: int, data: ExtraHoursIn) -> object:
    role = queries.role_run_by(request.user, role_id)
    exception = opening_hours.add_extra_hours(
        actor=request.user, role=role, starts_at=data.starts_at, ends_at=data.ends_at, visit_type_id=data.visit_type_id
    )
    return Status(201, exception)


@connect_router.post(
    "/referrals", response={201: ReferralOut}, summary="Refer a patient: book with another practitioner"
)
def refer(request: HttpRequest, data: ReferralIn) -> object:
    referral = refer_patient(
        actor=request.user,
        from_appointment=str(data.from_appointment),
        slot_id=data.slot_id,
        visit_reason=data.visit_reason,
    )
    booked = referral.to_appointment
    return Status(
        201,
        {
            "id": referral.public_id,
            "appointment_id": booked.public_id,
            "practitioner": booked.role.practitioner.display_name,
            "facility": booked.role.facility.name,
            "starts_at": booked.starts_at,
        },
    )
