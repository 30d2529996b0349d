"""The privacy office's desk (``/office/requests/``): what is overdue, due soon and later, per
officer; each request's transitions. Entering a member's letter or e-mail: ``letter_views``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from indigomed.privacy.correspondence import open_scan_for_office
from indigomed.privacy.office_views import officers_only
from indigomed.rights import office, queries
from indigomed.rights.forms import AssignForm, ConcludeForm, ExtendForm
from indigomed.rights.models import Request
from indigomed.web.feedback import flash_form_errors, flashed, refusals_as_pages


def _officer_choices() -> list[tuple[int, str]]:
    return [(u.pk, str(u)) for u in queries.officers()]


@officers_only
def desk(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    mine = request.GET.get("officer")
    assigned = None
    if mine == "me":
        assigned = user.pk
    elif mine and mine.isdigit() and len(mine) < 19:
        assigned = int(mine)
    return render(
        request,
        "rights/office/desk.html",
        {"desk": queries.desk(officer=user, assigned_to=assigned), "assigned": assigned},
    )


@officers_only
@refusals_as_pages
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    found = queries.request_for_office(officer=user, public_id=public_id)
    return render(
        request,
        "rights/office/detail.html",
        {
            "r": found,
            "papers": queries.papers_for_office(officer=user, request=found),
            "sent": queries.messages_of(request=found),
            "assign_form": AssignForm(officers=_officer_choices(), initial={"officer": found.officer_id or user.pk}),
            "extend_form": ExtendForm(),
            "conclude_form": ConcludeForm(),
        },
    )


@officers_only
@require_POST
def assign(request: HttpRequest, public_id: str) -> HttpResponse:
    form = AssignForm(request.POST, officers=_officer_choices())
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        with flashed(request) as attempt:
            office.assign(officer=request.user, public_id=public_id, to_user_id=form.cleaned_data["officer"])  # type: ignore[arg-type]
        if not attempt.refusal:
            messages.success(request, gettext("Assigned."))
    return redirect("rights_office:detail", public_id)


@officers_only
@require_POST
def start_review(request: HttpRequest, public_id: str) -> HttpResponse:
    with flashed(request) as attempt:
        office.start_review(officer=request.user, public_id=public_id)  # type: ignore[arg-type]
    if not attempt.refusal:
        messages.success(request, gettext("Review started; the member is told."))
    return redirect("rights_office:detail", public_id)


@officers_only
@require_POST
def extend(request: HttpRequest, public_id: str) -> HttpResponse:
    form = ExtendForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        with flashed(request) as attempt:
            office.extend(officer=request.user, public_id=public_id, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        if not attempt.refusal:
            messages.success(request, gettext("Extended; the member is told why and until when."))
    return redirect("rights_office:detail", public_id)


@officers_only
@require_POST
def conclude(request: HttpRequest, public_id: str) -> HttpResponse:
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        with flashed(request) as attempt:
            office.conclude(
                officer=request.user,  # type: ignore[arg-type]
                public_id=public_id,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
            )
        if not attempt.refusal:
            messages.success(request, gettext("Answered; the member is told."))
    return redirect("rights_office:detail", public_id)


@officers_only
@refusals_as_pages
def scan(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    found: Request = queries.request_for_office(officer=user, public_id=public_id)
    if not found.scan:
        return render(request, "404.html", status=404)
    with found.scan.open("rb") as stored:
        content = open_scan_for_office(
            officer_id=user.pk, member_id=found.member_id, request_ref=found.ref, sealed=stored.read()
        )
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(found.scan_type, "bin")
    response = HttpResponse(content, content_type=found.scan_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="letter-{found.public_id}.{extension}"'
    return response
