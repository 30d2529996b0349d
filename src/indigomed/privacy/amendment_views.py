"""Pages of amendments (RIGHT-AMEND): the member follows their requests and files statements of
disagreement (``/me/amendments/``), the privacy office reads them and writes rebuttals
(``/office/amendments/``), and a practitioner or facility told of a correction reads the corrected
record in Connect (``/connect/amendments/<id>/``). Asking and answering go through the requests
desk (``rights.amendment_views``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from indigomed.accounts.roles import actor_of
from indigomed.errors import NotFound
from indigomed.privacy import amendment_queries as queries
from indigomed.privacy import amendments
from indigomed.privacy.amendment_forms import DenialForm, DisagreementForm, RebuttalForm
from indigomed.privacy.office_views import officers_only
from indigomed.records.models import Amendment
from indigomed.web.feedback import on_form, refusals_as_pages


class refused_on_form(on_form):
    """A refusal shown on the form, except "not found", which answers as the site's 404 page: an
    outsider learns nothing more from a form than from a link."""

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> bool:
        if isinstance(error, NotFound):
            return False
        return super().__exit__(kind, error, traceback)


def _member_only(request: HttpRequest) -> HttpResponse | None:
    if not actor_of(request).is_member:
        return render(request, "privacy/members_only.html", status=403)
    return None


# --- The member --------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The member's requests to correct their records, with every answer, statement and rebuttal."""
    if refused := _member_only(request):
        return refused
    return _mine_page(request, None, DisagreementForm(), status=200)


def _mine_page(
    request: HttpRequest, bound_for: uuid.UUID | None, form: DisagreementForm, *, status: int
) -> HttpResponse:
    views = queries.own_amendments(actor=request.user)  # type: ignore[arg-type]
    rows = [(v, form if v.row.public_id == bound_for else DisagreementForm()) for v in views]
    return render(request, "privacy/amendments.html", {"amendments": rows}, status=status)


@login_required
@require_POST
@refusals_as_pages
def disagree(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The member files a statement of disagreement with a denial; another's request is not found."""
    if refused := _member_only(request):
        return refused
    form = DisagreementForm(request.POST)
    if form.is_valid():
        with refused_on_form(form) as attempt:
            amendments.file_disagreement(
                actor=request.user,  # type: ignore[arg-type]
                public_id=str(public_id),
                statement=form.cleaned_data["statement"],
            )
        if not attempt.refusal:
            messages.success(request, gettext("Your statement is filed. It goes with the record from now on."))
            return redirect("my_amendments")
    return _mine_page(request, public_id, form, status=400)


# --- The privacy office -------------------------------------------------------------------------


@officers_only
@refusals_as_pages
def office_list(request: HttpRequest) -> HttpResponse:
    queue = queries.office_queue(officer=request.user)  # type: ignore[arg-type]
    return render(request, "privacy/office/amendments.html", queue)


def office_page(
    request: HttpRequest,
    public_id: uuid.UUID,
    *,
    denial: DenialForm | None = None,
    rebuttal: RebuttalForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view, current = queries.amendment_for_office(officer=request.user, public_id=str(public_id))  # type: ignore[arg-type]
    return render(
        request,
        "privacy/office/amendment.html",
        {
            "a": view,
            "current": current,
            "denial_form": denial or DenialForm(),
            "rebuttal_form": rebuttal or RebuttalForm(),
            "statuses": Amendment.Status,
        },
        status=status,
    )


@officers_only
@refusals_as_pages
def office_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return office_page(request, public_id)


@officers_only
@require_POST
@refusals_as_pages
def office_rebut(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    form = RebuttalForm(request.POST)
    if form.is_valid():
        with refused_on_form(form) as attempt:
            amendments.write_rebuttal(
                officer=request.user,  # type: ignore[arg-type]
                public_id=str(public_id),
                text=form.cleaned_data["text"],
            )
        if not attempt.refusal:
            messages.success(request, gettext("The rebuttal is written; it goes with the member's statement."))
            return redirect("office:amendment", public_id=public_id)
    return office_page(request, public_id, rebuttal=form, status=400)


# --- A recipient told of a correction -------------------------------------------------------------


@login_required
@refusals_as_pages
def amended_record(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The corrected record, as the decision point lets this practitioner or facility see it."""
    shown = queries.amended_record_for(user=request.user, public_id=str(public_id))
    return render(request, "privacy/amended_record.html", {"r": shown})
