"""The member's own pages: their profile (PI-4) and their privacy (authorizations, restrictions, who saw)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from indigomed.accounts.roles import actor_of
from indigomed.privacy import office, queries, services
from indigomed.privacy.forms import AuthorizationForm, InsuranceForm, ProfileForm, RestrictionForm
from indigomed.privacy.policy import current_policy
from indigomed.privacy.profile import add_own_insurance, edit_own_profile
from indigomed.security.queries import seen_rows, who_saw_grouped
from indigomed.web.feedback import flash_form_errors, flashed, on_form

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
        messages.success(request, "Your profile is saved.")
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
    return render(request, "privacy/profile.html", {"profile": mine, "form": form, "insurance_form": InsuranceForm()})


@login_required
@require_POST
def add_insurance(request: HttpRequest) -> HttpResponse:
    if refused := _member_only(request):
        return refused
    form = InsuranceForm(request.POST)
    if form.is_valid():
        add_own_insurance(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, "Your insurance is saved.")
    else:
        messages.error(request, "Give the carrier and the plan.")
    return redirect("my_profile")


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    """Who saw my data, what I authorized, what I restricted."""
    if refused := _member_only(request):
        return refused
    member_id = request.user.pk or 0
    care_team = queries.care_team_choices(member_id)
    policy = current_policy()
    # One row per recipient and purpose (first and last look, how many), newest first, paged; in
    # the member's own time zone.
    page = Paginator(who_saw_grouped(member_id), SEEN_PER_PAGE).get_page(request.GET.get("seen"))
    zone = queries.member_zone(member_id)
    return render(
        request,
        "privacy/privacy.html",
        {
            "seen": [
                {
                    "who": s.who,
                    "why": policy.purposes[s.purpose].label if s.purpose in policy.purposes else s.purpose,
                    "what": ", ".join(s.categories),
                    "first": s.first,
                    "last": s.last,
                    "times": s.times,
                }
                for s in seen_rows(member_id, page.object_list)
            ],
            "seen_page": page,
            "zone": zone.key,
            "authorizations": services.own_authorizations(actor=request.user),  # type: ignore[arg-type]
            "restrictions": queries.restrictions_of(member_id),
            "restriction_form": RestrictionForm(care_team=care_team),
            "policy": policy,
        },
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
            services.sign_authorization(
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
            messages.success(request, "Your authorization is signed. You can revoke it here at any time.")
            return redirect("my_privacy")
    return render(request, "privacy/authorize.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    with flashed(request):
        services.revoke_authorization(actor=request.user, public_id=public_id)  # type: ignore[arg-type]
        messages.success(request, "Revoked. Nothing more will be shared under it.")
    return redirect("my_privacy")


@login_required
@require_POST
def restrict(request: HttpRequest) -> HttpResponse:
    if refused := _member_only(request):
        return refused
    user: Any = request.user
    care_team = queries.care_team_choices(user.pk)
    form = RestrictionForm(request.POST, care_team=care_team)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("my_privacy")
    data = form.cleaned_data
    with flashed(request):
        restriction = office.file_restriction(
            actor=user,
            categories=data["categories"],
            purposes=data["purposes"],
            recipient_ref=data["recipient"],
            recipient_label=data["recipient_label"],
            paid_in_full=data["paid_in_full"],
        )
        if restriction.status == restriction.Status.ACCEPTED:
            messages.success(request, "Your restriction is accepted: the law requires it, and it binds from now on.")
        else:
            messages.success(request, "Your request is sent to the privacy office; it binds once accepted.")
    return redirect("my_privacy")
