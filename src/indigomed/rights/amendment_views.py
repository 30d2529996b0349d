"""Asking for and answering amendments, through the requests desk (RIGHT-AMEND): the member's form
(``/me/amendments/new/``) and the office's answers on the amendment's page. The pages that only
read or add a statement are ``privacy.amendment_views``."""

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
from indigomed.errors import DomainError, NotFound
from indigomed.privacy import amendment_queries as queries
from indigomed.privacy.amendment_forms import AmendmentForm, DenialForm
from indigomed.privacy.amendment_views import office_page, refused_on_form
from indigomed.privacy.office_views import officers_only
from indigomed.rights.amendment import answer_amendment, ask_for_amendment
from indigomed.web.feedback import refusals_as_pages


@login_required
@refusals_as_pages
def ask(request: HttpRequest) -> HttpResponse:
    """Without a record: the member's records to choose from. With one (``?record=``): the signed
    form saying what it should say, and why. A record that is not theirs is not found."""
    if not actor_of(request).is_member:
        return render(request, "privacy/members_only.html", status=403)
    user: Any = request.user
    record = request.GET.get("record", "")
    if not record:
        return render(request, "privacy/amend_choose.html", {"records": queries.amendable_records(actor=user)})
    target, label, current = queries.own_record(actor=user, record=record)
    form = AmendmentForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refused_on_form(form) as attempt:
            filed = ask_for_amendment(
                actor=user,
                record=record,
                proposed=data["proposed"],
                why=data["why"],
                signed_name=data["signed_name"],
                consent=data["explicit_consent"],
            )
        if not attempt.refusal:
            messages.success(request, gettext("Your request is filed. You will be told of each step."))
            return redirect("rights:detail", filed.public_id)
    return render(
        request,
        "privacy/amend.html",
        {"form": form, "record": record, "label": label, "current": current},
        status=400 if form.errors else 200,
    )


@officers_only
@require_POST
@refusals_as_pages
def office_accept(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        answer_amendment(officer=request.user, public_id=str(public_id), accept=True)  # type: ignore[arg-type]
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return office_page(request, public_id, status=exc.status)
    messages.success(
        request, gettext("Accepted: the record is corrected, those who had it are being told, and so is the member.")
    )
    return redirect("office:amendment", public_id=public_id)


@officers_only
@require_POST
@refusals_as_pages
def office_deny(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    form = DenialForm(request.POST)
    if form.is_valid():
        with refused_on_form(form) as attempt:
            answer_amendment(
                officer=request.user,  # type: ignore[arg-type]
                public_id=str(public_id),
                accept=False,
                basis=form.cleaned_data["basis"],
                explanation=form.cleaned_data["explanation"],
            )
        if not attempt.refusal:
            messages.success(request, gettext("Denied; the member is told and may file a statement of disagreement."))
            return redirect("office:amendment", public_id=public_id)
    return office_page(request, public_id, denial=form, status=400)
