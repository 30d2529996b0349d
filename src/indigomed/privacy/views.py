"""The member's own pages: their profile (PI-4) and their privacy (authorizations, restrictions, who saw)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from indigomed.accounts.roles import actor_of
from indigomed.errors import Invalid
from indigomed.privacy import queries, restrictions, services, signing, wording
from indigomed.privacy.access_labels import guardian_labels
from indigomed.privacy.forms import AuthorizationForm, InsuranceForm, ProfileForm, RestrictionForm
from indigomed.privacy.policy import current_policy
from indigomed.privacy.profile import add_own_insurance, edit_own_insurance, edit_own_profile, remove_own_insurance
from indigomed.records.queries import insurance_of
from indigomed.security.queries import seen_rows, who_saw_grouped
from indigomed.web.feedback import flashed, on_form, refusals_as_pages

SEEN_PER_PAGE = 25


def _member_only(request: HttpRequest) -> HttpResponse | None:
    if not actor_of(request).is_member:
        return render(request, "privacy/members_only.html", status=403)
    return None


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    if refused := _member_only(request):
        return refused
    user: Any = request.user
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        edit_own_profile(
            actor=user,
            name=data["name"].strip(),
            phone=data["phone"] or None,
            gender=data["gender"],
            postal_code=data["postal_code"],
            region=data["region"],
        )
        messages.success(request, gettext("Your profile is saved."))
        return redirect("my_profile")
    mine = services.own_profile(actor=user)
    if request.method == "GET":
        form = ProfileForm(
            initial={
                "name": mine.name,
                "phone": mine.phone,
                "gender": mine.gender,
                "postal_code": mine.postal_code,
                "region": mine.region,
            }
        )
    return _profile_page(request, form, InsuranceForm(), status=400 if form.errors else 200, profile=mine)


def _profile_page(
    request: HttpRequest, form: ProfileForm, insurance_form: InsuranceForm, *, status: int, profile: Any = None
) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "privacy/profile.html",
        {
            "profile": profile or services.own_profile(actor=user),
            # Each plan with its own id, to edit or remove it (PI-4).
            "insurance": insurance_of(user.pk),
            "form": form,
            "insurance_form": insurance_form,
        },
        status=status,
    )


@login_required
@require_POST
def add_insurance(request: HttpRequest) -> HttpResponse:
    if refused := _member_only(request):
        return refused
    form = InsuranceForm(request.POST)
    if not form.is_valid():
        # Shown beside the field on the profile page, and nothing is saved.
        return _profile_page(request, ProfileForm(), form, status=400)
    add_own_insurance(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, gettext("Your insurance is saved."))
    return redirect("my_profile")


@login_required
@refusals_as_pages
def edit_insurance(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct one of the member's plans (PI-4); another member's plan is not found."""
    if refused := _member_only(request):
        return refused
    user: Any = request.user
    mine = next((i for i in insurance_of(user.pk) if i.public_id == public_id), None)
    if mine is None:
        raise Http404("We could not find that insurance among yours.")
    form = InsuranceForm(
        request.POST or None,
        initial={"carrier": mine.carrier, "plan": mine.plan, "member_number": mine.member_number},
    )
    if request.method == "POST" and form.is_valid():
        edit_own_insurance(actor=user, public_id=public_id, **form.cleaned_data)
        messages.success(request, gettext("Your insurance is saved."))
        return redirect("my_profile")
    return render(
        request, "privacy/insurance_edit.html", {"form": form, "insurance": mine}, status=400 if form.errors else 200
    )


@login_required
@require_POST
@refusals_as_pages
def remove_insurance(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    if refused := _member_only(request):
        return refused
    remove_own_insurance(actor=request.user, public_id=public_id)  # type: ignore[arg-type]
    messages.success(
        request,
        gettext("Your insurance is removed. Appointments you already booked keep the insurance you chose for them."),
    )
    return redirect("my_profile")


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    """Who saw my data, what I authorized, what I restricted."""
    if refused := _member_only(request):
        return refused
    member_id = request.user.pk or 0
    form = RestrictionForm(recipients=restrictions.recipient_choices(member_id))
    return privacy_page(request, form, status=200)


def privacy_page(request: HttpRequest, restriction_form: RestrictionForm, *, status: int) -> HttpResponse:
    member_id = request.user.pk or 0
    policy = current_policy()
    # One row per recipient and purpose (first and last look, how many), newest first, paged; in
    # the member's own time zone.
    page = Paginator(who_saw_grouped(member_id), SEEN_PER_PAGE).get_page(request.GET.get("seen"))
    zone = queries.member_zone(member_id)
    mine = list(queries.restrictions_of(member_id))
    reasons = restrictions.refusal_reasons(mine)
    rows = seen_rows(member_id, page.object_list)
    readers = guardian_labels(rows, acting_user_id=getattr(request.user, "acting_user_id", None))
    return render(
        request,
        "privacy/privacy.html",
        {
            "seen": [
                {
                    "who": readers.get(s.ref + s.who) or wording.recipient_label(s.who),
                    "why": wording.purpose(s.purpose),
                    "what": ", ".join(wording.category_name(c) for c in s.categories),
                    "first": s.first,
                    "last": s.last,
                    "times": s.times,
                }
                for s in rows
            ],
            "seen_page": page,
            "zone": zone.key,
            "authorizations": services.own_authorizations(actor=request.user),  # type: ignore[arg-type]
            "restrictions": [(r, reasons.get(r.pk, "")) for r in mine],
            "restriction_form": restriction_form,
            "policy": policy,
        },
        status=status,
    )


@login_required
def authorize(request: HttpRequest) -> HttpResponse:
    if refused := _member_only(request):
        return refused
    user: Any = request.user
    care_team = queries.care_team_choices(user.pk)
    form = AuthorizationForm(request.POST or None, care_team=care_team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        labels = dict(care_team)
        recipient = data["recipient"]
        with on_form(form) as attempt:
            signing.sign_authorization(
                actor=user,
                recipient_ref=recipient,
                recipient_label=data["recipient_name"].strip() if recipient == "*" else labels[recipient],
                purposes=data["purposes"],
                categories=data["categories"],
                tags=data["tags"],
                information=data["information"],
                signed_name=data["signed_name"],
                explicit_consent=data["explicit_consent"],
                expires_at=dt.datetime.combine(data["expires_on"], dt.time(23, 59), tzinfo=dt.UTC),
            )
        if not attempt.refusal:
            messages.success(request, gettext("Your authorization is signed. You can revoke it here at any time."))
            return redirect("my_privacy")
    return render(request, "privacy/authorize.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    with flashed(request):
        signing.revoke_authorization(actor=request.user, public_id=public_id)  # type: ignore[arg-type]
        messages.success(request, gettext("Revoked. Nothing more will be shared under it."))
    return redirect("my_privacy")


@login_required
@require_POST
@refusals_as_pages
def end_restriction(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The member ends an accepted restriction or withdraws a request; another's is not found."""
    if refused := _member_only(request):
        return refused
    try:
        restrictions.end_restriction(actor=request.user, public_id=str(public_id))  # type: ignore[arg-type]
    except Invalid as exc:  # a refused one; one that is not theirs escapes as "not found"
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Ended. It binds nobody from now on."))
    return redirect("my_privacy")
