"""Partners: the portal where a facility's HCF admin runs its practice (SPEC, "Actors and portals").
The facility's own pages and its staff; practitioners and their calendars are in
``practitioner_views``, accepting an invitation in ``invitation_views``.

Each page loads the facility through ``pages.facility_for``: another facility's, and anything of
it, is "not found"; the facility's own front desk is told, on a page of its own, that Partners is
for its admins. Each form posts to one service, shows what it refuses beside the field, and sends
the admin back to the page with what changed (or that nothing did, for a double submit).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from indigomed.accounts.roles import actor_of
from indigomed.directory import invitations, people
from indigomed.directory import services as directory
from indigomed.directory.models import (
    Facility,
    FacilityStaff,
    InsurancePlan,
)
from indigomed.errors import Forbidden
from indigomed.partners import forms, team
from indigomed.partners.pages import facility_for, partners_page, waiting_invitations
from indigomed.scheduling import misfits
from indigomed.web.feedback import flashed, on_form

# --- The facility ---------------------------------------------------------------------------------


@partners_page
def home(request: HttpRequest) -> HttpResponse:
    ids = actor_of(request).administered_facility_ids
    if not ids:
        raise Forbidden(gettext("Partners is for facilities' HCF admins."))
    if len(ids) == 1:
        return redirect("partners:overview", facility_id=ids[0])
    return render(request, "partners/home.html", {"facilities": Facility.objects.filter(pk__in=ids)})


@partners_page
def overview(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
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
            "misfits": misfits.misfit_bookings(facility),
            "roles": roles,
            "waiting": waiting_invitations(facility),
        },
    )


@partners_page
def profile(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
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
    facility = facility_for(request, facility_id)
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
                    gettext("Plans saved: %(added)s added, %(removed)s removed.")
                    % {"added": len(added), "removed": len(removed)}
                    if added or removed
                    else gettext("Nothing changed."),
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
    facility = facility_for(request, facility_id)
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
            "waiting": waiting_invitations(facility),
            "invite_form": invite or forms.InviteStaffForm(),
            "roles": FacilityStaff.Role.choices,
            "me": request.user.pk,
        },
        status=status,
    )


@partners_page
def staff(request: HttpRequest, facility_id: int) -> HttpResponse:
    return _staff_page(request, facility_for(request, facility_id))


@partners_page
@require_POST
def invite_staff(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
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
            messages.info(request, gettext("An invitation to this address is already waiting: nothing was sent again."))
        else:
            messages.success(request, gettext("Invitation sent. They join the staff when they accept it."))
        return redirect("partners:staff", facility_id=facility.pk)
    return _staff_page(request, facility, form, status=attempt.status)


@partners_page
@require_POST
def staff_role(request: HttpRequest, facility_id: int, staff_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    people.staff_member_at(facility, staff_id)  # another facility's is "not found", whatever was sent
    form = forms.StaffRoleForm(request.POST)
    with flashed(request):
        if not form.is_valid():
            messages.error(request, gettext("Choose staff or HCF admin."))
        elif people.change_staff_role(
            actor=request.user, facility_id=facility.pk, staff_id=staff_id, role=form.cleaned_data["role"]
        ):
            messages.success(request, gettext("Role changed."))
        else:
            messages.info(request, gettext("Nothing changed."))
    return _back_to_staff(request, facility)


def _back_to_staff(request: HttpRequest, facility: Facility) -> HttpResponse:
    if not facility.staff.filter(user_id=request.user.pk or 0, role=FacilityStaff.Role.ADMIN).exists():
        return redirect("home")  # the admin left the facility's admins: Partners is no longer theirs
    return redirect("partners:staff", facility_id=facility.pk)


@partners_page
@require_POST
def remove_staff(request: HttpRequest, facility_id: int, staff_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    people.staff_member_at(facility, staff_id)
    with flashed(request):
        people.remove_staff(actor=request.user, facility_id=facility.pk, staff_id=staff_id)
        messages.success(request, gettext("Removed from the staff."))
    return _back_to_staff(request, facility)


@partners_page
@require_POST
def withdraw_invitation(request: HttpRequest, facility_id: int, invitation_id: int) -> HttpResponse:
    facility = facility_for(request, facility_id)
    if invitations.withdraw_invitation(actor=request.user, facility_id=facility.pk, invitation_id=invitation_id):
        messages.success(request, gettext("Invitation withdrawn: its link no longer works."))
    else:
        messages.info(request, gettext("That invitation was no longer open."))
    back = "partners:overview" if request.POST.get("back") == "overview" else "partners:staff"
    return redirect(back, facility_id=facility.pk)
