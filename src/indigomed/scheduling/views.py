"""Patient-site booking pages: book a slot, my appointments, cancel, move, .ics."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indigomed.accounts.return_path import remember_return, take_return
from indigomed.accounts.roles import actor_of
from indigomed.errors import DomainError, NotFound
from indigomed.privacy.services import consent_needed_for, own_booking_details, own_visit_history
from indigomed.scheduling import fitting, holds, queries, services, visit_choice
from indigomed.scheduling.errors import SlotInPast, SlotTaken
from indigomed.scheduling.forms import BookForm, FitForm, RescheduleForm
from indigomed.scheduling.ics import appointment_ics
from indigomed.scheduling.models import Appointment, Slot, SlotHold
from indigomed.scheduling.reach import horizon_days
from indigomed.scheduling.services import SignedConsent
from indigomed.web.feedback import caught, flashed, refusals_as_pages


def _slot_or_404(slot_id: int) -> Slot:
    slot = Slot.objects.select_related("role__practitioner", "role__facility", "visit_type").filter(pk=slot_id).first()
    if slot is None:
        raise Http404("We could not find that time slot.")
    return slot


def book(request: HttpRequest, slot_id: int) -> HttpResponse:
    """Book a time: what the visitor comes for first (new or returning, and why), then insurance
    and any consent. Someone not signed in is asked the same, then to sign up or in, the time
    held for them meanwhile (``hold``)."""
    slot = _slot_or_404(slot_id)
    practitioner = slot.role.practitioner
    offered = visit_choice.reasons_seen_by(practitioner)
    sensitive = {t for r in offered for t in r.tags or ()}
    reasons = visit_choice.reason_choices(offered)
    said = visit_choice.said_for(request, practitioner.pk)
    initial = {"patient": said.patient, "visit_reason": said.reason} if said else {}
    token = visit_choice.visitor_token(request)
    context: dict[str, Any] = {"slot": slot, "zone": ZoneInfo(slot.role.facility.timezone)}
    if not request.user.is_authenticated:
        form: FitForm = FitForm(initial=initial, reasons=reasons, practitioner=practitioner.display_name)
        context.update(anonymous=True, form=form, hold=holds.hold_for(token=token, slot_id=slot.pk))
        context.update(_fit_of(request, slot, said))
        return render(request, "scheduling/book.html", context)
    plans = [(p.slug, str(p)) for p in practitioner.plans.select_related("carrier")]
    form = BookForm(
        request.POST or None, initial=initial, reasons=reasons, plans=plans, practitioner=practitioner.display_name
    )
    context["form"] = form
    if not actor_of(request).is_member:
        context["not_member"] = True
        return render(request, "scheduling/book.html", context, status=403)
    # USE-5: where the member's law asks consent for some reasons, say so and let them give it here.
    context["consent_for"] = consent_needed_for(member_id=request.user.pk or 0, tags=sorted(sensitive))
    # Back, signed in, at the time held for them: a few fresh minutes to confirm.
    context["hold"] = holds.renew_on_return(actor=request.user, token=token, slot_id=slot.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["patient"]:
            said = visit_choice.Said(data["patient"], data["visit_reason"])
            visit_choice.remember(request, practitioner.pk, said)
        # One service call: the booking and the consent given with it commit together, or neither does.
        with caught() as attempt:
            appointment = services.book_appointment(
                actor=request.user,
                slot_id=slot.pk,
                visit_reason=data["visit_reason"],
                insurance_plan=data["insurance_plan"] or None,
                consent=SignedConsent(signed_name=data["signed_name"]) if data["consent"] else None,
                patient=data["patient"] or None,
                hold_token=token,
            )
        if refusal := attempt.refusal:
            # A taken, closed, held or unfitting time comes with the times to choose from instead.
            field = refusal.details.get("field")
            if field in form.fields:
                form.add_error(field, refusal.message)
            else:
                context["error"] = refusal.message
            context.update(_fit_of(request, slot, said), next_slots=_alternatives(request, slot, said, refusal))
            return render(request, "scheduling/book.html", context, status=refusal.status)
        visit_choice.forget(request, practitioner.pk)
        take_return(request)
        messages.success(request, _("Your appointment is booked."))
        return redirect("appointment", public_id=appointment.public_id)
    context.update(_fit_of(request, slot, said))
    return render(request, "scheduling/book.html", context, status=400 if request.method == "POST" else 200)


def _fit_of(request: HttpRequest, slot: Slot, said: visit_choice.Said | None) -> dict[str, Any]:
    """Whether the time fits what the visitor said, said before they confirm; with the times that
    do when it does not, and whether someone else holds it."""
    found: dict[str, Any] = {}
    holder = visit_choice.visitor_holder(request)
    held = SlotHold.objects.filter(slot=slot, expires_at__gt=timezone.now()).exclude(holder=holder or "").first()
    if held is not None:
        found["held_elsewhere"] = holds.held_by_someone_else(held.expires_at).message
    if said is None:
        return found
    kind = visit_choice.kind_for(request, slot.role.practitioner_id, said)
    found["kind"] = kind
    visit = slot.visit_type
    if not visit.is_active or not fitting.fits(visit, kind=kind.kind, reason_slug=said.reason):
        if not visit.is_active:
            found["misfit"] = _("%(name)s no longer offers %(visit)s visits.") % {
                "name": slot.role.practitioner.display_name,
                "visit": visit.name,
            }
        elif visit.patients not in (fitting.ANY, kind.kind):
            found["misfit"] = (
                _("This time is for returning patients (%(visit)s).")
                if visit.patients == fitting.RETURNING
                else _("This time is for new patients (%(visit)s).")
            ) % {"visit": visit.name}
        else:
            found["misfit"] = _("This time (%(visit)s) is not for the reason you chose.") % {"visit": visit.name}
        found["next_slots"] = _fitting_times(request, slot, kind.kind, said.reason)
    elif held is not None:
        found["next_slots"] = _fitting_times(request, slot, kind.kind, said.reason)
    return found


def _fitting_times(request: HttpRequest, slot: Slot, kind: str, reason: str) -> list[queries.OpenSlot]:
    now = timezone.now()
    return fitting.fitting_open_slots(
        slot.role_id,
        kind=kind,
        reason_slug=reason,
        start=now,
        end=now + dt.timedelta(days=horizon_days()),
        holder=visit_choice.visitor_holder(request),
        limit=8,
    )


def _alternatives(
    request: HttpRequest, slot: Slot, said: visit_choice.Said | None, refusal: DomainError
) -> list[queries.OpenSlot]:
    """The times offered after a refusal: those that fit what the member said, else the refusal's own."""
    if said is not None:
        kind = visit_choice.kind_for(request, slot.role.practitioner_id, said)
        return _fitting_times(request, slot, kind.kind, said.reason)
    return list(refusal.details.get("next_slots", []))


@require_POST
def hold(request: HttpRequest, slot_id: int) -> HttpResponse:
    """Someone not signed in chose a time: keep what they said, hold the time for a few minutes
    for them, and send them to sign up (or sign in), then back to it."""
    slot = _slot_or_404(slot_id)
    practitioner = slot.role.practitioner
    form = FitForm(
        request.POST,
        reasons=visit_choice.reason_choices(visit_choice.reasons_seen_by(practitioner)),
        required=False,
    )
    if form.is_valid() and (said := visit_choice.said_in(form)) is not None:
        visit_choice.remember(request, practitioner.pk, said)
    back = reverse("book", args=[slot.pk])
    if request.user.is_authenticated:
        return redirect(back)
    with caught() as attempt:
        held = holds.hold_slot(
            slot_id=slot.pk,
            token=visit_choice.visitor_token(request, create=True) or "",
            client=get_adapter(request).get_client_ip(request),
        )
        until = held.expires_at.astimezone(ZoneInfo(slot.role.facility.timezone))
        messages.success(
            request, _("We are holding this time for you until %(time)s.") % {"time": date_format(until, "H:i")}
        )
    if (refusal := attempt.refusal) is not None:
        messages.error(request, refusal.message)
        if isinstance(refusal, SlotTaken | SlotInPast | NotFound):
            return redirect(back)  # the time is gone: the page offers others
        # Not held (someone else holds it, or too many holds): they may still sign up and book it.
    remember_return(request, back)
    then = "account_login" if request.POST.get("then") == "sign-in" else "account_signup"
    return redirect(f"{reverse(then)}?{urlencode({'next': back})}")


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
    details = own_booking_details(actor=request.user, appointments=[a]).get(a.public_id)
    # Cancel and Move are offered only while the practice's cut-off allows them (BOOK-3).
    can_change = services.can_change_online(a)
    alternatives: list[queries.OpenSlot] = []
    if can_change and details is not None:
        # A move keeps the visit what it was: the same kind of patient, the same reason.
        kind = (
            services.kind_of_visit(a)
            or fitting.patient_kind(member_id=a.member_id, practitioner_id=a.role.practitioner_id, said=None).kind
        )
        alternatives = fitting.fitting_open_slots(
            a.role_id,
            kind=kind,
            reason_slug=details.reason_slug,
            start=now,
            end=now + dt.timedelta(days=14),
            holder=visit_choice.visitor_holder(request),
        )
    return render(
        request,
        "scheduling/appointment.html",
        {
            "a": a,
            "details": details,
            "zone": zone,
            "alternatives": alternatives,
            "can_change": can_change,
            "changes_close_at": services.changes_close_at(a),
        },
    )


@login_required
@require_POST
@refusals_as_pages
def cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    _member_appointment(request, public_id)
    with flashed(request):
        services.cancel_appointment(actor=request.user, public_id=public_id)
        messages.success(request, _("Your appointment is cancelled."))
    return redirect("appointment", public_id=public_id)


@login_required
@require_POST
@refusals_as_pages
def reschedule(request: HttpRequest, public_id: str) -> HttpResponse:
    _member_appointment(request, public_id)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a new time from the list."))
        return redirect("appointment", public_id=public_id)
    with flashed(request):
        moved = services.reschedule_appointment(
            actor=request.user, public_id=public_id, new_slot_id=form.cleaned_data["slot_id"]
        )
        messages.success(request, _("Your appointment has been moved."))
        return redirect("appointment", public_id=moved.public_id)
    return redirect("appointment", public_id=public_id)


@login_required
@refusals_as_pages
def ics(request: HttpRequest, public_id: str) -> HttpResponse:
    return appointment_ics(_member_appointment(request, public_id))
