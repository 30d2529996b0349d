"""Connect: the practice's day and week, and marking visits (BOOK-4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indigomed.directory.models import PractitionerRole, Specialty, VisitReason
from indigomed.errors import DomainError
from indigomed.privacy.care import fields_seen_by
from indigomed.scheduling import opening_hours, queries, services
from indigomed.scheduling.calendar import CalendarEntry, calendar_entries, local_days
from indigomed.scheduling.forms import AvailabilityChangeForm, VisitStatusForm
from indigomed.scheduling.reach import check_calendar_day
from indigomed.scheduling.referrals import refer_patient
from indigomed.scheduling.services import MAX_ID
from indigomed.search.queries import Criteria, search
from indigomed.web.feedback import flash_form_errors


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    # Read once for the zone, the columns and the availability form (each read it on its own).
    calendars = list(queries.calendars_run_by(request.user))
    if not calendars:
        return render(request, "connect/not_practice.html", status=403)
    # The practice's zone is its first calendar's facility's, as ``practice_zone`` says.
    zone = ZoneInfo(calendars[0].facility.timezone)
    view = "week" if request.GET.get("view") == "week" else "day"
    today = timezone.now().astimezone(zone).date()
    error = None
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
        check_calendar_day(day, today=today)
    except ValueError:
        day = today
    except DomainError as exc:
        # A day at the edge of the calendar cannot be paged from: show today, and say why.
        day, error = today, exc.message
    first = day - dt.timedelta(days=day.weekday()) if view == "week" else day
    span = 7 if view == "week" else 1
    start, end = local_days(first, span, zone)
    appointments = queries.appointments_on([c.pk for c in calendars], start=start, end=end)
    entries = calendar_entries(request.user, list(appointments))
    by_day: dict[dt.date, list[CalendarEntry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.appointment.starts_at.astimezone(zone).date()].append(entry)
    days = [(first + dt.timedelta(days=i), by_day.get(first + dt.timedelta(days=i), [])) for i in range(span)]
    return render(
        request,
        "connect/calendar.html",
        {
            "zone": zone,
            "now": timezone.now(),
            "view": view,
            "day": day,
            "days": days,
            # The columns: what the viewer's role sees of patients, from the policy file.
            "fields": fields_seen_by(request.user, calendars),
            "previous": first - dt.timedelta(days=span),
            "next": first + dt.timedelta(days=span),
            "status_form": VisitStatusForm(),
            "availability_form": _availability_form(request, None, calendars),
            "error": error,
        },
        status=400 if error else 200,
    )


def _availability_form(
    request: HttpRequest, data: Any, calendars: list[PractitionerRole] | None = None
) -> AvailabilityChangeForm:
    if calendars is None:
        calendars = list(queries.calendars_run_by(request.user))
    return AvailabilityChangeForm(
        data,
        calendars=[(str(r.pk), f"{r.practitioner.display_name} — {r.facility.name}") for r in calendars],
        visit_types=[
            (str(v.pk), f"{r.practitioner.display_name} — {v.name} ({v.duration_minutes} min)")
            for r in calendars
            for v in r.visit_types.all()
        ],
    )


@login_required
@require_POST
def change_availability(request: HttpRequest) -> HttpResponse:
    """Time off or extra hours, typed in the facility's local time."""
    try:
        calendar_id = int(request.POST.get("calendar", "0"))
        role = queries.role_run_by(request.user, calendar_id if 0 < calendar_id <= MAX_ID else 0)
    except (ValueError, DomainError):
        messages.error(request, _("Choose one of your calendars."))
        return redirect("connect:calendar")
    form = _availability_form(request, request.POST)
    with timezone.override(ZoneInfo(role.facility.timezone)):
        valid = form.is_valid()
    if not valid:
        flash_form_errors(request, form)
        return redirect("connect:calendar")
    data = form.cleaned_data
    try:
        if data["kind"] == "time_off":
            opening_hours.add_time_off(actor=request.user, role=role, starts_at=data["starts"], ends_at=data["ends"])
        else:
            opening_hours.add_extra_hours(
                actor=request.user,
                role=role,
                starts_at=data["starts"],
                ends_at=data["ends"],
                visit_type_id=int(data["visit_type"]),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Time off saved.") if data["kind"] == "time_off" else _("Extra hours opened."))
    return redirect("connect:calendar")


@login_required
@require_POST
def mark(request: HttpRequest, public_id: str) -> HttpResponse:
    form = VisitStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose checked in, completed or no-show."))
    else:
        try:
            a = services.set_visit_status(actor=request.user, public_id=public_id, status=form.cleaned_data["status"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Marked %(status)s.") % {"status": str(a.get_status_display()).lower()})
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/connect/") else "connect:calendar")


@login_required
def refer(request: HttpRequest, public_id: str) -> HttpResponse:
    """Choose a specialty, then one of the next open times near the referring facility (BOOK-5)."""
    try:
        origin = queries.appointment_for_practice(request.user, public_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if request.method == "POST":
        try:
            slot_id = int(request.POST.get("slot_id", ""))
            referral = refer_patient(
                actor=request.user,
                from_appointment=public_id,
                slot_id=slot_id,
                visit_reason=request.POST.get("visit_reason", ""),
            )
        except ValueError:
            messages.error(request, _("Choose an open time."))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            booked = referral.to_appointment
            messages.success(
                request,
                _("Referred to %(name)s; the patient was told.") % {"name": booked.role.practitioner.display_name},
            )
            return redirect("connect:calendar")
    what = request.GET.get("what", "")
    page = None
    reasons = []
    if what:
        facility = origin.role.facility
        try:
            page = search(Criteria(what=what, latitude=facility.latitude, longitude=facility.longitude, radius_km=80))
        except DomainError as exc:
            messages.error(request, exc.message)
        reasons = list(VisitReason.objects.filter(specialty__slug=what).order_by("name"))
    return render(
        request,
        "connect/refer.html",
        {"origin": origin, "specialties": Specialty.objects.all(), "what": what, "page": page, "reasons": reasons},
    )
