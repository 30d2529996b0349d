"""The member's requests (``/me/requests/``) and the public page for contacting the privacy office."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from indigomed.accounts.roles import actor_of
from indigomed.conf import product_setting
from indigomed.privacy.queries import member_zone
from indigomed.rights import access, accounting_fulfilment, accountings, queries, services
from indigomed.rights.access_views import new_copy_request
from indigomed.rights.forms import AccountingForm, QuestionForm, RequestForm
from indigomed.rights.models import Request
from indigomed.web.feedback import on_form, refusals_as_pages


def _member_only(request: HttpRequest) -> HttpResponse | None:
    if not actor_of(request).is_member:
        return render(request, "privacy/members_only.html", status=403)
    return None


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    if refused := _member_only(request):
        return refused
    return render(
        request,
        "rights/my_requests.html",
        {
            "requests": list(queries.requests_of(actor=request.user)),  # type: ignore[arg-type]
            "kinds": Request.Kind.choices,
            "zone": member_zone(request.user.pk or 0),
        },
    )


@login_required
def new_request(request: HttpRequest, kind: str) -> HttpResponse:
    """A signed request of one kind; accountings have their own form (period, delivery, fee)."""
    if refused := _member_only(request):
        return refused
    if kind not in Request.Kind.values:
        raise Http404("There is no such kind of request.")
    if kind == Request.Kind.ACCOUNTING:
        return _new_accounting(request)
    # An amendment names the record and its new value, a restriction what it covers and whom:
    # each has its own signed form, which files it on the desk.
    if kind == Request.Kind.AMENDMENT:
        return redirect("my_amend")
    if kind == Request.Kind.RESTRICTION:
        return redirect(reverse("my_privacy") + "#restrict")
    if kind == Request.Kind.ACCESS:
        return new_copy_request(request)
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with on_form(form) as attempt:
                filed = services.file_request(
                    actor=request.user,  # type: ignore[arg-type]
                    kind=kind,
                    text=data["text"],
                    signed_name=data["signed_name"],
                    consent=data["consent"],
                    submission=data["submission"],
                )
            if not attempt.refusal:
                messages.success(request, gettext("Your request is filed. You will be told of each step."))
                return redirect("rights:detail", filed.public_id)
            status = attempt.status
        else:
            status = 400
    label = Request.Kind(kind).label
    return render(request, "rights/new_request.html", {"form": form, "kind": kind, "label": label}, status=status)


def _new_accounting(request: HttpRequest) -> HttpResponse:
    form = AccountingForm(request.POST or None, initial={"delivery": "electronic"})
    terms = accountings.terms(actor=request.user)  # type: ignore[arg-type]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with on_form(form) as attempt:
                filed, offer = accountings.ask_for_accounting(
                    actor=request.user,  # type: ignore[arg-type]
                    asked_from=data["asked_from"],
                    asked_until=data["asked_until"],
                    delivery=data["delivery"],
                    signed_name=data["signed_name"],
                    consent=data["consent"],
                    accept_fee=data["accept_fee"],
                    submission=data["submission"],
                )
            if not attempt.refusal:
                messages.success(request, gettext("Your request for an accounting is filed."))
                if offer.cut_note:
                    messages.info(request, offer.cut_note)
                return redirect("rights:detail", filed.public_id)
            status = attempt.status
        else:
            status = 400
    return render(request, "rights/new_accounting.html", {"form": form, "terms": terms}, status=status)


@login_required
@refusals_as_pages
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    if refused := _member_only(request):
        return refused
    user: Any = request.user
    mine = queries.request_for_member(actor=user, public_id=public_id)
    return render(
        request,
        "rights/detail.html",
        {
            "r": mine,
            "papers": queries.papers_for_member(actor=user, request=mine),
            "sent": queries.messages_of(request=mine),
            "covering": accounting_fulfilment.covering(actor=user, request=mine),
            "formats": list(accounting_fulfilment.FORMATS),
            "zone": member_zone(user.pk),
            "copy": access.copy_of(mine),
        },
    )


@login_required
@refusals_as_pages
def accounting_download(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    if refused := _member_only(request):
        return refused
    document = accounting_fulfilment.download(actor=request.user, public_id=public_id, fmt=fmt)  # type: ignore[arg-type]
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


# --- Contacting the privacy office (CONTACT-1) --------------------------------------------------


def office_contact() -> dict[str, Any]:
    """The office's addresses, from the operator's settings."""
    postal = str(product_setting("PRIVACY_OFFICE_POSTAL_ADDRESS")).replace("\\n", "\n")
    return {
        "email": product_setting("PRIVACY_OFFICE_EMAIL"),
        "address": product_setting("PRIVACY_OFFICE_ADDRESS"),
        "postal_lines": [line.strip() for line in postal.splitlines() if line.strip()],
    }


def contact(request: HttpRequest) -> HttpResponse:
    """Anyone reads how to reach the office; a signed-in member's question becomes a tracked request."""
    is_member = actor_of(request).is_member
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not is_member:
            return render(request, "privacy/members_only.html", status=403)
        if form.is_valid():
            data = form.cleaned_data
            with on_form(form) as attempt:
                filed = services.file_request(
                    actor=request.user,  # type: ignore[arg-type]
                    kind=Request.Kind.QUESTION,
                    text=data["text"],
                    signed_name=data["signed_name"],
                    consent=data["consent"],
                    submission=data["submission"],
                )
            if not attempt.refusal:
                messages.success(request, gettext("Your question reached the privacy office. Follow it here."))
                return redirect("rights:detail", filed.public_id)
            status = attempt.status
        else:
            status = 400
    return render(
        request,
        "rights/contact.html",
        {"office": office_contact(), "form": form, "can_ask": is_member},
        status=status,
    )
