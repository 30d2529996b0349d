"""Patient-site booking pages: book a slot, my appointments, cancel, move, .ics."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from indigomed.accounts.roles import actor_of
from indigomed.directory.models import VisitReason
from indigomed.privacy.services import consent_needed_for, own_booking_details, own_visit_history
from indigomed.scheduling import queries, services
from indigomed.scheduling.forms import BookForm, RescheduleForm
from indigomed.scheduling.ics import appointment_ics
from indigomed.scheduling.models import Appointment, Slot
from indigomed.scheduling.services import SignedConsent
from indigomed.web.feedback import caught, flashed, refusals_as_pages


def _slot_or_404(slot_id: int) -> Slot:
    slot = Slot.objects.select_related("role__practitioner", "role__facility", "visit_type").filter(pk=slot_id).first()
    if slot is None:
        raise Http404("We could not find that time slot.")
    return slot


@login_required
def book(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = _slot_or_404(slot_id)
    practitioner = slot.role.practitioner
    offered = list(VisitReason.objects.filter(specialty__practitioners=practitioner).order_by("name").distinct())
    sensitive = {t for r in offered for t in r.tags or ()}
    reasons = [(r.slug, f"{r.name} *" if r.tags else r.name) for r in offered]
    plans = [(p.slug, str(p)) for p in practitioner.plans.select_related("carrier")]
    form = BookForm(request.POST or None, reasons=reasons, plans=plans)
    context: dict[str, Any] = {"slot": slot, "zone": ZoneInfo(slot.role.facility.timezone), "form": form}
    if not actor_of(request).is_member:
        context["not_member"] = True
        return render(request, "scheduling/book.html", context, status=403)
    # USE-5: where the member's law asks consent for some reasons, say so and let them give it here.
    context["consent_for"] = consent_needed_for(member_id=request.user.pk or 0, tags=sorted(sensitive))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # One service call: the booking and the consent given with it commit together, or neither does.
        with caught() as attempt:
            appointment = services.book_appointment(
                actor=request.user,
                slot_id=slot.pk,
                visit_reason=data["visit_reason"],
                insurance_plan=data["insurance_plan"] or None,
                consent=SignedConsent(signed_name=data["signed_name"]) if data["consent"] else None,
            )
        if refusal := attempt.refusal:
            # A taken or closed time comes with the next open ones to choose from instead.
            context.update(error=refusal.message, next_slots=refusal.details.get("next_slots", []))
            return render(request, "scheduling/book.html", context, status=refusal.status)
        messages.success(request, "Your appointment is booked.")
        return redirect("appointment", public_id=appointment.public_id)
    return render(request, "scheduling/book.html", context, status=400 if request.method == "POST" else 200)


@login_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    appointments = list(queries.appointments_of_member(request.user))
    details = own_booking_details(actor=request.user, appointments=appointments)
    return render(
        request,
        "scheduling/my_appointments.html",
        {
            # Each upcoming appointment with the reason the member booked it for (their own read).
            "upcoming": [
                (a, details.get(a.public_id)) for a in appointments if a.ends_at >= now and a.status != "cancelled"
            ],
            "past": [a for a in reversed(appointments) if a.ends_at < now or a.status == "cancelled"],
            "history": own_visit_history(actor=request.user),  # type: ignore[arg-type]
        },
    )


def _member_appointment(request: HttpRequest, public_id: str) -> Appointment:
    """The member's own appointment; anyone else's is "not found" (``refusals_as_pages``)."""
    return queries.appointment_for_member(request.user, public_id)


@login_required
@refusals_as_pages
def appointment(request: HttpRequest, public_id: str) -> HttpResponse:
    a = _member_appointment(request, public_id)
    zone = ZoneInfo(a.role.facility.timezone)
    now = timezone.now()
    alternatives = queries.open_slots_for_role(a.role_id, start=now, end=now + dt.timedelta(days=14))
    details = own_booking_details(actor=request.user, appointments=[a]).get(a.public_id)
    return render(
        request,
        "scheduling/appointment.html",
        {"a": a, "details": details, "zone": zone, "alternatives": alternatives},
    )


@login_required
@require_POST
@refusals_as_pages
def cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    _member_appointment(request, public_id)
    with flashed(request):
        services.cancel_appointment(actor=request.user, public_id=public_id)
        messages.success(request, "Your appointment is cancelled.")
    return redirect("appointment", public_id=public_id)


@login_required
@require_POST
@refusals_as_pages
def reschedule(request: HttpRequest, public_id: str) -> HttpResponse:
    _member_appointment(request, public_id)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a new time from the list.")
        return redirect("appointment", public_id=public_id)
    with flashed(request):
        moved = services.reschedule_appointment(
            actor=request.user, public_id=public_id, new_slot_id=form.cleaned_data["slot_id"]
        )
        messages.success(request, "Your appointment has been moved.")
        return redirect("appointment", public_id=moved.public_id)
    return redirect("appointment", public_id=public_id)


@login_required
@refusals_as_pages
def ics(request: HttpRequest, public_id: str) -> HttpResponse:
    return appointment_ics(_member_appointment(request, public_id))
