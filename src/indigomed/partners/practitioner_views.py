"""Partners: a facility's practitioners, their visit types, weekly hours and plans (BOOK-1)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from indigomed.directory import people
from indigomed.directory import services as directory
from indigomed.directory.models import (
    Facility,
    Language,
    PractitionerRole,
    Specialty,
    VisitReason,
)
from indigomed.errors import NotFound
from indigomed.partners import forms, team
from indigomed.partners.pages import facility_for, partners_page, role_for
from indigomed.scheduling import misfits, practice_rules
from indigomed.scheduling.models import VisitType
from indigomed.web.feedback import on_form

# --- Practitioners --------------------------------------------------------------------------------


def _invite_form(data: Any = None) -> forms.InvitePractitionerForm:
    return forms.InvitePractitionerForm(
        data,
        specialties=[(s.slug, s.local_name) for s in Specialty.objects.all()],
        languages=[(lang.code, lang.local_name) for lang in Language.objects.all()],
    )


def _practitioners_page(
    request: HttpRequest, facility: Facility, invite: forms.InvitePractitionerForm | None = None, status: int = 200
) -> HttpResponse:
    typed = request.GET.get("q", "")[:80]
    return render(
        request,
        "partners/practitioners.html",
        {
            "facility": facility,
            "section": "practitioners",
            "roles": facility.roles.select_related("practitioner")
            .prefetch_related("practitioner__specialties")
            .order_by("-is_active", "practitioner__family_name", "practitioner__given_name"),
            "invite_form": invite or _invite_form(),
            "q": typed,
            "found": people.attachable_practitioners(facility=facility, name=typed) if typed else None,
        },
        status=status,
    )


@partners_page
def practitioners(request: HttpRequest, facility_id: int) -> HttpResponse:
    return _practitioners_page(request, facility_for(request, facility_id))


@partners_page
@require_POST
def invite_practitioner(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    form = _invite_form(request.POST)
    if not form.is_valid():
        return _practitioners_page(request, facility, form, status=400)
    data = form.cleaned_data
    with on_form(form) as attempt:
        invited = team.invite_practitioner(
            actor=request.user,
            facility_id=facility.pk,
            email=data["email"],
            new=people.NewPractitioner(
                title=data["title"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                gender=data["gender"],
                specialties=tuple(data["specialties"]),
                languages=tuple(data["languages"]),
            ),
        )
        if invited.role is None:
            messages.info(request, gettext("An invitation to this address is already waiting: nothing was sent again."))
            return redirect("partners:practitioners", facility_id=facility.pk)
        messages.success(
            request,
            gettext("%(display_name)s added; an invitation is on its way. Now set their visit types and weekly hours.")
            % {"display_name": invited.role.practitioner.display_name},
        )
        return redirect("partners:practitioner", facility_id=facility.pk, role_id=invited.role.pk)
    return _practitioners_page(request, facility, form, status=attempt.status)


@partners_page
@require_POST
def attach_practitioner(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    form = forms.AttachForm(request.POST)
    if not form.is_valid():
        raise NotFound(gettext("We could not find that practitioner."))
    role = team.attach_practitioner(
        actor=request.user, facility_id=facility.pk, practitioner_id=form.cleaned_data["practitioner"]
    )
    messages.success(
        request, gettext("%(display_name)s practises here now.") % {"display_name": role.practitioner.display_name}
    )
    return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)


def _visit_type_choices(role: PractitionerRole) -> list[tuple[str, str]]:
    return [(str(v.pk), f"{v.name} ({v.duration_minutes} min)") for v in role.visit_types.filter(is_active=True)]


def _reason_choices(role: PractitionerRole) -> list[tuple[str, str]]:
    return [
        (r.slug, r.name)
        for r in VisitReason.objects.filter(specialty__practitioners=role.practitioner_id).distinct().order_by("name")
    ]


def _practitioner_page(
    request: HttpRequest,
    facility: Facility,
    role: PractitionerRole,
    *,
    hours_form: forms.HoursForm | None = None,
    visit_form: forms.VisitTypeForm | None = None,
    plans_form: forms.PlansForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rules = role.availability_rules.select_related("visit_type").order_by("weekday", "start_time")
    visit_types = role.visit_types.filter(is_active=True).prefetch_related(
        Prefetch("reasons", queryset=VisitReason.objects.order_by("name"))
    )
    accepted = [(p.slug, str(p)) for p in facility.plans.select_related("carrier")]
    taken = list(role.practitioner.plans.filter(facilities=facility).values_list("slug", flat=True))
    return render(
        request,
        "partners/practitioner.html",
        {
            "facility": facility,
            "section": "practitioners",
            "role": role,
            "rules": [(r, practice_rules.DAYS[r.weekday]) for r in rules],
            "visit_types": visit_types,
            "misfits": misfits.misfit_bookings(facility, role_id=role.pk),
            "hours_form": hours_form or forms.HoursForm(visit_types=_visit_type_choices(role)),
            "visit_form": visit_form or forms.VisitTypeForm(reasons=_reason_choices(role)),
            "plans_form": plans_form
            or forms.PlansForm(initial={"plans": taken}, plans=accepted, label=_("Plans taken")),
            "accepts_plans": bool(accepted),
        },
        status=status,
    )


@partners_page
def practitioner(request: HttpRequest, facility_id: int, role_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    return _practitioner_page(request, facility, role_for(facility, role_id))


def _hours(data: dict[str, Any]) -> practice_rules.WeeklyHours:
    return practice_rules.WeeklyHours(
        weekday=data["weekday"], start=data["start_time"], end=data["end_time"], visit_type_id=data["visit_type"]
    )


@partners_page
@require_POST
def add_hours(request: HttpRequest, facility_id: int, role_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    role = role_for(facility, role_id)
    form = forms.HoursForm(request.POST, visit_types=_visit_type_choices(role))
    if form.is_valid():
        with on_form(form) as attempt:
            rule = practice_rules.add_hours(
                actor=request.user, facility_id=facility.pk, role_id=role.pk, hours=_hours(form.cleaned_data)
            )
            messages.success(
                request, "Weekly hours added; their times are open." if rule else "These hours are set already."
            )
            return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)
        return _practitioner_page(request, facility, role, hours_form=form, status=attempt.status)
    return _practitioner_page(request, facility, role, hours_form=form, status=400)


def _after_calendar_change(request: HttpRequest, facility: Facility, role: PractitionerRole, done: str) -> None:
    count = len(misfits.misfit_bookings(facility, role_id=role.pk))
    if count:
        done += " " + ngettext(
            "%(count)s booked visit no longer fits: booked visits stay booked, and are listed to move.",
            "%(count)s booked visits no longer fit: booked visits stay booked, and are listed to move.",
            count,
        ) % {"count": count}
    messages.success(request, done)


@partners_page
def edit_hours(request: HttpRequest, facility_id: int, role_id: int, rule_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    role = role_for(facility, role_id)
    rule = role.availability_rules.filter(pk=rule_id if rule_id < 2**63 else 0).first()
    if rule is None:
        raise NotFound(gettext("We could not find those hours."))
    initial = {
        "weekday": rule.weekday,
        "start_time": rule.start_time,
        "end_time": rule.end_time,
        "visit_type": rule.visit_type_id,
    }
    form = forms.HoursForm(request.POST or None, initial=initial, visit_types=_visit_type_choices(role))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with on_form(form) as attempt:
                changed = practice_rules.change_hours(
                    actor=request.user,
                    facility_id=facility.pk,
                    role_id=role.pk,
                    rule_id=rule.pk,
                    hours=_hours(form.cleaned_data),
                )
                if changed:
                    _after_calendar_change(request, facility, role, gettext("Weekly hours changed."))
                else:
                    messages.info(request, gettext("Nothing changed."))
                return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)
            status = attempt.status
        else:
            status = 400
    return render(
        request,
        "partners/edit_hours.html",
        {"facility": facility, "section": "practitioners", "role": role, "rule": rule, "form": form},
        status=status,
    )


@partners_page
@require_POST
def remove_hours(request: HttpRequest, facility_id: int, role_id: int, rule_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    role = role_for(facility, role_id)
    practice_rules.remove_hours(actor=request.user, facility_id=facility.pk, role_id=role.pk, rule_id=rule_id)
    _after_calendar_change(request, facility, role, gettext("Weekly hours removed; their open times are closed."))
    return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)


def _visit_spec(data: dict[str, Any]) -> practice_rules.VisitTypeSpec:
    return practice_rules.VisitTypeSpec(
        name=data["name"],
        duration_minutes=data["duration_minutes"],
        patients=data["patients"],
        is_remote=data["where"] == "remote",
        reasons=tuple(data["reasons"]),
    )


@partners_page
@require_POST
def add_visit_type(request: HttpRequest, facility_id: int, role_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    role = role_for(facility, role_id)
    form = forms.VisitTypeForm(request.POST, reasons=_reason_choices(role))
    if form.is_valid():
        with on_form(form) as attempt:
            made = practice_rules.create_visit_type(
                actor=request.user, facility_id=facility.pk, role_id=role.pk, spec=_visit_spec(form.cleaned_data)
            )
            messages.success(
                request,
                "Visit type added: give it weekly hours to open times." if made else "This visit type exists already.",
            )
            return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)
        return _practitioner_page(request, facility, role, visit_form=form, status=attempt.status)
    return _practitioner_page(request, facility, role, visit_form=form, status=400)


@partners_page
def edit_visit_type(request: HttpRequest, facility_id: int, role_id: int, visit_type_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    role = role_for(facility, role_id)
    visit_type = VisitType.objects.filter(
        role=role, is_active=True, pk=visit_type_id if visit_type_id < 2**63 else 0
    ).first()
    if visit_type is None:
        raise NotFound(gettext("We could not find that visit type."))
    form = forms.VisitTypeForm(
        request.POST or None, initial=forms.visit_type_initial(visit_type), reasons=_reason_choices(role)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with on_form(form) as attempt:
                changed = practice_rules.change_visit_type(
                    actor=request.user,
                    facility_id=facility.pk,
                    role_id=role.pk,
                    visit_type_id=visit_type.pk,
                    spec=_visit_spec(form.cleaned_data),
                )
                if changed:
                    _after_calendar_change(request, facility, role, gettext("Visit type saved."))
                else:
                    messages.info(request, gettext("Nothing changed."))
                return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)
            status = attempt.status
        else:
            status = 400
    return render(
        request,
        "partners/edit_visit_type.html",
        {"facility": facility, "section": "practitioners", "role": role, "visit_type": visit_type, "form": form},
        status=status,
    )


@partners_page
@require_POST
def retire_visit_type(request: HttpRequest, facility_id: int, role_id: int, visit_type_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    role = role_for(facility, role_id)
    if practice_rules.retire_visit_type(
        actor=request.user, facility_id=facility.pk, role_id=role.pk, visit_type_id=visit_type_id
    ):
        _after_calendar_change(
            request, facility, role, gettext("Visit type retired; its weekly hours and open times are gone.")
        )
    else:
        messages.info(request, gettext("This visit type was retired already."))
    return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)


@partners_page
@require_POST
def practitioner_plans(request: HttpRequest, facility_id: int, role_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    role = role_for(facility, role_id)
    form = forms.PlansForm(
        request.POST, plans=[(p.slug, str(p)) for p in facility.plans.select_related("carrier")], label=_("Plans taken")
    )
    if form.is_valid():
        with on_form(form) as attempt:
            changed = directory.set_practitioner_plans(
                actor=request.user, facility_id=facility.pk, role_id=role.pk, plan_slugs=form.cleaned_data["plans"]
            )
            messages.success(request, "Plans saved." if changed else "Nothing changed.")
            return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)
        return _practitioner_page(request, facility, role, plans_form=form, status=attempt.status)
    return _practitioner_page(request, facility, role, plans_form=form, status=400)


@partners_page
@require_POST
def deactivate_practitioner(request: HttpRequest, facility_id: int, role_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    role = role_for(facility, role_id)
    if people.deactivate_practitioner(actor=request.user, facility_id=facility.pk, role_id=role.pk):
        _after_calendar_change(
            request,
            facility,
            role,
            gettext("%(name)s no longer practises here; nothing more can be booked.")
            % {"name": role.practitioner.display_name},
        )
    else:
        messages.info(request, gettext("Already deactivated."))
    return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)
