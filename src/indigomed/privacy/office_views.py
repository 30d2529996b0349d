"""The privacy office's back office: restrictions to decide, legal demands, business partners."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from indigomed.accounts.roles import actor_of
from indigomed.privacy import office, wording
from indigomed.privacy.models import BusinessPartner, Restriction
from indigomed.privacy.office_forms import LegalDemandForm, PartnerForm, ReleaseForm
from indigomed.records.queries import member_by_email
from indigomed.security.models import LegalDemand
from indigomed.web.feedback import flash_form_errors, flashed

View = Callable[..., HttpResponse]


def officers_only(view: View) -> View:
    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not actor_of(request).is_privacy_officer:
            return render(request, "privacy/office/officers_only.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


@officers_only
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/office/home.html",
        {
            "restrictions": [
                (r, office.must_be_accepted(r))
                for r in Restriction.objects.filter(status=Restriction.Status.REQUESTED).order_by("requested_at")
            ],
            "demands": LegalDemand.objects.order_by("-received_at")[:50],
            "partners": BusinessPartner.objects.order_by("name"),
            "demand_form": LegalDemandForm(),
            "release_form": ReleaseForm(),
            "partner_form": PartnerForm(),
        },
    )


@officers_only
@require_POST
def record_demand(request: HttpRequest) -> HttpResponse:
    form = LegalDemandForm(request.POST, request.FILES)
    if not form.is_valid():
        # Each refused field by its label, so the officer knows which of the page's forms to correct.
        flash_form_errors(request, form, labelled=True)
        return redirect("office:home")
    data = form.cleaned_data
    member_id = member_by_email(data["member_email"])
    if member_id is None:
        messages.error(request, gettext("No member has that e-mail address."))
        return redirect("office:home")
    with flashed(request):
        office.record_legal_demand(
            officer=request.user,  # type: ignore[arg-type]
            member_id=member_id,
            kind=data["kind"],
            reference=data["reference"],
            issued_by=data["issued_by"],
            categories=data["categories"],
            document=data["document"],
        )
        messages.success(request, gettext("The demand is recorded. Nothing is released until you release it."))
    return redirect("office:home")


@officers_only
def demand_document(request: HttpRequest, public_id: str) -> HttpResponse:
    with flashed(request) as attempt:
        document = office.open_legal_demand_document(officer=request.user, demand_public_id=str(public_id))  # type: ignore[arg-type]
    if attempt.refusal:
        return redirect("office:home")
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@officers_only
@require_POST
def release(request: HttpRequest, public_id: str) -> HttpResponse:
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        # Each refused field by its label, so the officer knows which of the page's forms to correct.
        flash_form_errors(request, form, labelled=True)
        return redirect("office:home")
    refs = [ref.strip() for ref in form.cleaned_data["refs"].split(",") if ref.strip()]
    with flashed(request):
        decisions = office.release_under_legal_demand(
            officer=request.user,  # type: ignore[arg-type]
            demand_public_id=public_id,
            categories=form.cleaned_data["categories"],
            refs=refs,
        )
        refused = [wording.reason_of(d) for d in decisions if not d.allowed]
        if refused:
            messages.error(request, gettext("Not released: %(refused)s") % {"refused": refused[0]})
        else:
            messages.success(request, gettext("Released; the member's accounting lists it."))
    return redirect("office:home")


@officers_only
@require_POST
def register_partner(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST)
    if not form.is_valid():
        # Each refused field by its label, so the officer knows which of the page's forms to correct.
        flash_form_errors(request, form, labelled=True)
        return redirect("office:home")
    with flashed(request):
        office.register_partner(officer=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, gettext("Partner registered."))
    return redirect("office:home")
