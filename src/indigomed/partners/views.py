"""Partners: the portal where a facility's HCF admin runs its practice (SPEC, "Actors and portals").

Each page loads the facility through the access helper: another facility's, and anything of it, is
"not found"; the facility's own front desk is told, on a page of its own, that Partners is for its
admins. Each form posts to one service, shows what it refuses beside the field, and sends the
admin back to the page with what changed (or that nothing did, for a double submit).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from indigomed.accounts.roles import actor_of
from indigomed.directory import services as directory
from indigomed.directory.models import (
    Facility,
    FacilityInvitation,
    FacilityStaff,
    InsurancePlan,
    Language,
    PractitionerRole,
    Specialty,
    VisitReason,
)
from indigomed.errors import Forbidden, NotFound
from indigomed.partners import forms, team
from indigomed.scheduling import practice_rules
from indigomed.scheduling.models import VisitType
from indigomed.web.feedback import flashed, on_form, refusals_as_pages

View = Callable[..., HttpResponse]


def partners_page(view: View) -> View:
    """Signed in, refusals as the site's pages, and a page of its own for the front desk."""
    answered = refusals_as_pages(view)

    @login_required
    @wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return answered(request, *args, **kwargs)
        except PermissionDenied:
            return render(request, "partners/admins_only.html", status=403)

    return page


def _facility(request: HttpRequest, facility_id: int) -> Facility:
    actor = actor_of(request)
    if not actor.administers(facility_id) and actor.staff_role_at(facility_id) is not None:
        raise Forbidden("Partners is for the facility's HCF admins.")
    return directory.administered_facility(request.user, facility_id)


def _role(facility: Facility, role_id: int) -> PractitionerRole:
    return directory.role_at(facility, role_id)


# --- The facility ---------------------------------------------------------------------------------


@partners_page
def home(request: HttpRequest) -> HttpResponse:
    ids = actor_of(request).administered_facility_ids
    if not ids:
        raise Forbidden("Partners is for facilities' HCF admins.")
    if len(ids) == 1:
        return redirect("partners:overview", facility_id=ids[0])
    return render(request, "partners/home.html", {"facilities": Facility.objects.filter(pk__in=ids)})


@partners_page
def overview(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    roles = (
        facility.roles.select_related("practitioner")
        .prefetch_related("practitioner__specialties")
        .annotate(hours=Count("availability_rules", distinct=True))
        .order_by("-is_active", "practitioner__family_name", "practitioner__given_name")
    )
    return render(
        request,
        "partners/overview.html",
        {
            "facility": facility,
            "section": "overview",
            "misfits": practice_rules.misfit_bookings(facility),
            "roles": roles,
            "waiting": _waiting_invitations(facility),
        },
    )


def _waiting_invitations(facility: Facility) -> Any:
    return (
        FacilityInvitation.objects.filter(
            facility=facility, accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("user", "practitioner")
        .order_by("-created_at")
    )


@partners_page
def profile(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    initial = {name: getattr(facility, name) for name in forms.FacilityProfileForm.base_fields}
    form = forms.FacilityProfileForm(request.POST or None, initial=initial, facility=facility)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with on_form(form) as attempt:
                changed = directory.update_facility_profile(
                    actor=request.user, facility_id=facility.pk, profile=directory.FacilityProfile(**form.cleaned_data)
                )
                messages.success(request, "Profile saved." if changed else "Nothing changed.")
                return redirect("partners:profile", facility_id=facility.pk)
            status = attempt.status
        else:
            status = 400
    return render(
        request, "partners/profile.html", {"facility": facility, "section": "profile", "form": form}, status=status
    )


def _country_plans(facility: Facility) -> list[tuple[str, str]]:
    return [
        (p.slug, str(p))
        for p in InsurancePlan.objects.filter(carrier__country=facility.country).select_related("carrier")
    ]


@partners_page
def plans(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    initial = {"plans": list(facility.plans.values_list("slug", flat=True))}
    form = forms.PlansForm(request.POST or None, initial=initial, plans=_country_plans(facility))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with on_form(form) as attempt:
                added, removed = directory.set_facility_plans(
                    actor=request.user, facility_id=facility.pk, plan_slugs=form.cleaned_data["plans"]
                )
                messages.success(
                    request,
                    f"Plans saved: {len(added)} added, {len(removed)} removed."
                    if added or removed
                    else "Nothing changed.",
                )
                return redirect("partners:plans", facility_id=facility.pk)
            status = attempt.status
        else:
            status = 400
    return render(
        request, "partners/plans.html", {"facility": facility, "section": "plans", "form": form}, status=status
    )


@partners_page
def booking_rules(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    initial = {"cancel_cutoff_hours": facility.cancel_cutoff_hours, "reminder_offsets": facility.reminder_offsets}
    form = forms.BookingRulesForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with on_form(form) as attempt:
                changed = directory.set_booking_rules(
                    actor=request.user,
                    facility_id=facility.pk,
                    cancel_cutoff_hours=form.cleaned_data["cancel_cutoff_hours"],
                    reminder_offsets=form.cleaned_data["reminder_offsets"],
                )
                messages.success(request, "Booking rules saved." if changed else "Nothing changed.")
                return redirect("partners:booking_rules", facility_id=facility.pk)
            status = attempt.status
        else:
            status = 400
    return render(
        request,
        "partners/booking_rules.html",
        {"facility": facility, "section": "rules", "form": form},
        status=status,
    )


# --- Practitioners --------------------------------------------------------------------------------


def _invite_form(data: Any = None) -> forms.InvitePractitionerForm:
    return forms.InvitePractitionerForm(
        data,
        specialties=[(s.slug, s.name) for s in Specialty.objects.all()],
        languages=[(lang.code, lang.name) for lang in Language.objects.all()],
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
            "found": directory.attachable_practitioners(facility=facility, name=typed) if typed else None,
        },
        status=status,
    )


@partners_page
def practitioners(request: HttpRequest, facility_id: int) -> HttpResponse:
    return _practitioners_page(request, _facility(request, facility_id))


@partners_page
@require_POST
def invite_practitioner(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    form = _invite_form(request.POST)
    if not form.is_valid():
        return _practitioners_page(request, facility, form, status=400)
    data = form.cleaned_data
    with on_form(form) as attempt:
        invited = team.invite_practitioner(
            actor=request.user,
            facility_id=facility.pk,
            email=data["email"],
            new=directory.NewPractitioner(
                title=data["title"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                gender=data["gender"],
                specialties=tuple(data["specialties"]),
                languages=tuple(data["languages"]),
            ),
        )
        if invited.role is None:
            messages.info(request, "An invitation to this address is already waiting: nothing was sent again.")
            return redirect("partners:practitioners", facility_id=facility.pk)
        messages.success(
            request,
            f"{invited.role.practitioner.display_name} added; an invitation is on its way. "
            "Now set their visit types and weekly hours.",
        )
        return redirect("partners:practitioner", facility_id=facility.pk, role_id=invited.role.pk)
    return _practitioners_page(request, facility, form, status=attempt.status)


@partners_page
@require_POST
def attach_practitioner(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    form = forms.AttachForm(request.POST)
    if not form.is_valid():
        raise NotFound("We could not find that practitioner.")
    role = team.attach_practitioner(
        actor=request.user, facility_id=facility.pk, practitioner_id=form.cleaned_data["practitioner"]
    )
    messages.success(request, f"{role.practitioner.display_name} practises here now.")
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
            "misfits": practice_rules.misfit_bookings(facility, role_id=role.pk),
            "hours_form": hours_form or forms.HoursForm(visit_types=_visit_type_choices(role)),
            "visit_form": visit_form or forms.VisitTypeForm(reasons=_reason_choices(role)),
            "plans_form": plans_form or forms.PlansForm(initial={"plans": taken}, plans=accepted, label="Plans taken"),
            "accepts_plans": bool(accepted),
        },
        status=status,
    )


@partners_page
def practitioner(request: HttpRequest, facility_id: int, role_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    return _practitioner_page(request, facility, _role(facility, role_id))


def _hours(data: dict[str, Any]) -> practice_rules.WeeklyHours:
    return practice_rules.WeeklyHours(
        weekday=data["weekday"], start=data["start_time"], end=data["end_time"], visit_type_id=data["visit_type"]
    )


@partners_page
@require_POST
def add_hours(request: HttpRequest, facility_id: int, role_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    role = _role(facility, role_id)
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
    misfits = len(practice_rules.misfit_bookings(facility, role_id=role.pk))
    if misfits:
        visits = "1 booked visit no longer fits" if misfits == 1 else f"{misfits} booked visits no longer fit"
        done += f" {visits}: booked visits stay booked, and are listed to move."
    messages.success(request, done)


@partners_page
def edit_hours(request: HttpRequest, facility_id: int, role_id: int, rule_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    role = _role(facility, role_id)
    rule = role.availability_rules.filter(pk=rule_id if rule_id < 2**63 else 0).first()
    if rule is None:
        raise NotFound("We could not find those hours.")
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
                    _after_calendar_change(request, facility, role, "Weekly hours changed.")
                else:
                    messages.info(request, "Nothing changed.")
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
    facility = _facility(request, facility_id)
    role = _role(facility, role_id)
    practice_rules.remove_hours(actor=request.user, facility_id=facility.pk, role_id=role.pk, rule_id=rule_id)
    _after_calendar_change(request, facility, role, "Weekly hours removed; their open times are closed.")
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
    facility = _facility(request, facility_id)
    role = _role(facility, role_id)
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
    facility = _facility(request, facility_id)
    role = _role(facility, role_id)
    visit_type = VisitType.objects.filter(
        role=role, is_active=True, pk=visit_type_id if visit_type_id < 2**63 else 0
    ).first()
    if visit_type is None:
        raise NotFound("We could not find that visit type.")
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
                    _after_calendar_change(request, facility, role, "Visit type saved.")
                else:
                    messages.info(request, "Nothing changed.")
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
    facility = _facility(request, facility_id)
    role = _role(facility, role_id)
    if practice_rules.retire_visit_type(
        actor=request.user, facility_id=facility.pk, role_id=role.pk, visit_type_id=visit_type_id
    ):
        _after_calendar_change(request, facility, role, "Visit type retired; its weekly hours and open times are gone.")
    else:
        messages.info(request, "This visit type was retired already.")
    return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)


@partners_page
@require_POST
def practitioner_plans(request: HttpRequest, facility_id: int, role_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    role = _role(facility, role_id)
    form = forms.PlansForm(
        request.POST, plans=[(p.slug, str(p)) for p in facility.plans.select_related("carrier")], label="Plans taken"
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
    facility = _facility(request, facility_id)
    role = _role(facility, role_id)
    if directory.deactivate_practitioner(actor=request.user, facility_id=facility.pk, role_id=role.pk):
        _after_calendar_change(
            request,
            facility,
            role,
            f"{role.practitioner.display_name} no longer practises here; nothing more can be booked.",
        )
    else:
        messages.info(request, "Already deactivated.")
    return redirect("partners:practitioner", facility_id=facility.pk, role_id=role.pk)


# --- Staff ------------------------------------------------------------------------------------------


def _staff_page(
    request: HttpRequest, facility: Facility, invite: forms.InviteStaffForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "partners/staff.html",
        {
            "facility": facility,
            "section": "staff",
            "staff": facility.staff.select_related("user").order_by("-role", "user__display_name", "pk"),
            "waiting": _waiting_invitations(facility),
            "invite_form": invite or forms.InviteStaffForm(),
            "roles": FacilityStaff.Role.choices,
            "me": request.user.pk,
        },
        status=status,
    )


@partners_page
def staff(request: HttpRequest, facility_id: int) -> HttpResponse:
    return _staff_page(request, _facility(request, facility_id))


@partners_page
@require_POST
def invite_staff(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    form = forms.InviteStaffForm(request.POST)
    if not form.is_valid():
        return _staff_page(request, facility, form, status=400)
    with on_form(form) as attempt:
        invited = team.invite_staff(
            actor=request.user,
            facility_id=facility.pk,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            staff_role=form.cleaned_data["role"],
        )
        if invited.invitation is None:
            messages.info(request, "An invitation to this address is already waiting: nothing was sent again.")
        else:
            messages.success(request, "Invitation sent. They join the staff when they accept it.")
        return redirect("partners:staff", facility_id=facility.pk)
    return _staff_page(request, facility, form, status=attempt.status)


@partners_page
@require_POST
def staff_role(request: HttpRequest, facility_id: int, staff_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    directory.staff_member_at(facility, staff_id)  # another facility's is "not found", whatever was sent
    form = forms.StaffRoleForm(request.POST)
    with flashed(request):
        if not form.is_valid():
            messages.error(request, "Choose staff or HCF admin.")
        elif directory.change_staff_role(
            actor=request.user, facility_id=facility.pk, staff_id=staff_id, role=form.cleaned_data["role"]
        ):
            messages.success(request, "Role changed.")
        else:
            messages.info(request, "Nothing changed.")
    return _back_to_staff(request, facility)


def _back_to_staff(request: HttpRequest, facility: Facility) -> HttpResponse:
    if not facility.staff.filter(user_id=request.user.pk or 0, role=FacilityStaff.Role.ADMIN).exists():
        return redirect("home")  # the admin left the facility's admins: Partners is no longer theirs
    return redirect("partners:staff", facility_id=facility.pk)


@partners_page
@require_POST
def remove_staff(request: HttpRequest, facility_id: int, staff_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    directory.staff_member_at(facility, staff_id)
    with flashed(request):
        directory.remove_staff(actor=request.user, facility_id=facility.pk, staff_id=staff_id)
        messages.success(request, "Removed from the staff.")
    return _back_to_staff(request, facility)


@partners_page
@require_POST
def withdraw_invitation(request: HttpRequest, facility_id: int, invitation_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    if directory.withdraw_invitation(actor=request.user, facility_id=facility.pk, invitation_id=invitation_id):
        messages.success(request, "Invitation withdrawn: its link no longer works.")
    else:
        messages.info(request, "That invitation was no longer open.")
    back = "partners:overview" if request.POST.get("back") == "overview" else "partners:staff"
    return redirect(back, facility_id=facility.pk)


# --- Accepting an invitation ----------------------------------------------------------------------

# The link's secret moves from the address into the session at once, as Django's password-reset
# pages do: the page the invitee works on carries no secret to logs, history or Referer headers.
_INVITATION = "partners_invitation"


@refusals_as_pages
def open_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The address an invitation's link opens: keep its secret in the session, show the page."""
    directory.invitation_for_token(token)
    request.session[_INVITATION] = token
    return redirect("partners:accept")


@refusals_as_pages
def accept(request: HttpRequest) -> HttpResponse:
    """Join as the invited account, choosing its password first if the invitation made it."""
    token = str(request.session.get(_INVITATION, ""))
    invitation = directory.invitation_for_token(token)
    signed_in = request.user.is_authenticated
    if signed_in and request.user.pk != invitation.user_id:
        state = "other_account"
    elif signed_in:
        state = "join"
    elif invitation.user.has_usable_password():
        state = "sign_in"
    else:
        state = "choose_password"
    form = forms.ChoosePasswordForm(request.POST or None) if state == "choose_password" else None
    status = 200
    if request.method == "POST" and state == "join":
        with flashed(request):
            directory.accept_invitation(actor=request.user, token=token)
            return _welcome(request, invitation)
        return redirect("home")
    if request.method == "POST" and form is not None:
        if form.is_valid():
            with on_form(form) as attempt:
                user = team.accept_with_new_password(
                    token=token, password=form.cleaned_data["password"], confirm=form.cleaned_data["confirm"]
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return _welcome(request, invitation)
            status = attempt.status
        else:
            status = 400
    context = {"invitation": invitation, "state": state, "form": form}
    return render(request, "partners/accept.html", context, status=status)


def _welcome(request: HttpRequest, invitation: FacilityInvitation) -> HttpResponse:
    request.session.pop(_INVITATION, None)
    messages.success(request, f"Welcome to {invitation.facility.name}'s team.")
    if invitation.kind == FacilityInvitation.Kind.STAFF and invitation.staff_role == FacilityStaff.Role.ADMIN:
        return redirect("partners:overview", facility_id=invitation.facility_id)
    return redirect("connect:calendar")
