"""The privacy office enters a member's letter or e-mail (``/office/requests/enter``), in steps a
clerk with the letter in hand follows: whose letter it is and what it asks for; for an amendment,
which of the member's records (with what each says now); then what the letter says, in the same
terms as the member's own online form, with its date and its scan.

An amendment and a restriction are filed structured, exactly as online ones
(``rights.amendment.enter_amendment``, ``rights.restriction.enter_restriction``), so they are
accepted or refused on the same pages and applied the same way. Each step posts back to this one
address; the member's address travels in the posted body, never in the address bar."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.errors import DomainError
from indigomed.privacy import restrictions
from indigomed.privacy.amendment_queries import RecordChoice, amendable_records
from indigomed.privacy.office_views import officers_only
from indigomed.records.amendments import target_of
from indigomed.rights import services
from indigomed.rights.amendment import enter_amendment
from indigomed.rights.letter_forms import (
    PLAIN_KINDS,
    AmendmentLetterForm,
    FindForm,
    PlainLetterForm,
    RecordForm,
    RestrictionLetterForm,
)
from indigomed.rights.models import Request
from indigomed.rights.restriction import enter_restriction
from indigomed.web.feedback import on_form

Kind = Request.Kind


def _page(request: HttpRequest, step: str, form: forms.Form, status: int = 200, **extra: Any) -> HttpResponse:
    if form.is_bound:
        # What is wrong with a carried field (the member's address, the form's key) is told above the form.
        for carried in form.hidden_fields():
            for error in carried.errors:
                form.add_error(None, error)
    return render(request, "rights/office/enter.html", {"step": step, "form": form, **extra}, status=status)


def _member(request: HttpRequest, email: str) -> User:
    user: Any = request.user
    return User.objects.get(pk=services.letter_member(officer=user, member_email=email))


def _records(request: HttpRequest, member: User) -> dict[str, RecordChoice]:
    """The member's records an amendment may name, with what each says now (the office's read,
    in the member's access log)."""
    user: Any = request.user
    return {c.record: c for c in amendable_records(actor=member, read_by=user)}


def _choices(records: dict[str, RecordChoice]) -> list[tuple[str, str]]:
    return [(c.record, f"{c.label}: {c.current or '—'}") for c in records.values()]


def _entered(request: HttpRequest, entered: Request) -> HttpResponse:
    messages.success(request, gettext("Entered; the member is told it was received, with its due date."))
    return redirect("rights_office:detail", entered.public_id)


def _back_to_start(request: HttpRequest, posted: Any, refusal: DomainError) -> HttpResponse:
    """A member's address that no longer finds a member (edited in the page): start again."""
    form = FindForm({"member_email": posted.get("member_email", ""), "kind": posted.get("kind", "")})
    form.is_valid()
    form.add_error("member_email" if refusal.details.get("field") == "member_email" else None, refusal.message)
    return _page(request, "find", form, status=refusal.status)


@officers_only
def enter(request: HttpRequest) -> HttpResponse:
    """Enter a request a member made by letter or e-mail, one step after another."""
    if request.method != "POST":
        return _page(request, "find", FindForm())
    step = request.POST.get("step", "")
    try:
        if step == "record":
            return _choose_record(request)
        if step == "amendment":
            return _enter_amendment(request)
        if step == "restriction":
            return _enter_restriction(request)
        if step == "letter":
            return _enter_plain(request)
    except DomainError as refusal:
        if refusal.details.get("field") == "member_email" or refusal.status == 404:
            return _back_to_start(request, request.POST, refusal)
        raise
    return _find(request)


def _find(request: HttpRequest) -> HttpResponse:
    """First step: the member (by the address they sign in with) and what they ask for."""
    form = FindForm(request.POST)
    if not form.is_valid():
        return _page(request, "find", form, status=400)
    data = form.cleaned_data
    with on_form(form) as attempt:
        member = _member(request, data["member_email"])
    if attempt.refusal:
        return _page(request, "find", form, status=attempt.status)
    # The one-time key the first step was given (a fresh one if it came without), for the last step.
    carried = {"member_email": data["member_email"], "submission": data["submission"] or uuid.uuid4()}
    kind = data["kind"]
    if kind == Kind.AMENDMENT:
        records = _choices(_records(request, member))
        return _page(request, "record", RecordForm(initial=carried, records=records), kind=kind)
    if kind == Kind.RESTRICTION:
        recipients = restrictions.recipient_choices(member.pk)
        return _page(request, "restriction", RestrictionLetterForm(initial=carried, recipients=recipients), kind=kind)
    return _page(request, "letter", PlainLetterForm(initial=carried | {"kind": kind}), kind=kind)


def _choose_record(request: HttpRequest) -> HttpResponse:
    """An amendment, second step: which record; then the value in the record's own terms."""
    member = _member(request, request.POST.get("member_email", ""))
    records = _records(request, member)
    form = RecordForm(request.POST, records=_choices(records))
    if not form.is_valid():
        return _page(request, "record", form, status=400, kind=Kind.AMENDMENT)
    data = form.cleaned_data
    chosen = records[data["record"]]
    target = target_of(chosen.record)
    assert target is not None  # every record listed is one an amendment can name
    carried = {"member_email": data["member_email"], "submission": data["submission"], "record": chosen.record}
    letter = AmendmentLetterForm(initial=carried, target=target)
    return _page(request, "amendment", letter, kind=Kind.AMENDMENT, chosen=chosen)


def _enter_amendment(request: HttpRequest) -> HttpResponse:
    """An amendment, last step: the value asked for, why, the letter's date and scan."""
    member = _member(request, request.POST.get("member_email", ""))
    records = _records(request, member)
    chosen = records.get(request.POST.get("record", ""))
    target = target_of(chosen.record) if chosen else None
    if chosen is None or target is None:
        again = RecordForm(request.POST, records=_choices(records))
        again.is_valid()
        again.add_error("record", gettext("Choose one of this member's records."))
        return _page(request, "record", again, status=400, kind=Kind.AMENDMENT)
    form = AmendmentLetterForm(request.POST, request.FILES, target=target)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        with on_form(form) as attempt:
            entered = enter_amendment(
                **_letter(request, data), record=chosen.record, proposed=data["proposed"], why=data["why"]
            )
        if not attempt.refusal:
            return _entered(request, entered)
        # A record that stopped being the member's is told beside the form, not as a missing page.
        status = 400 if attempt.status == 404 else attempt.status
    return _page(request, "amendment", form, status=status, kind=Kind.AMENDMENT, chosen=chosen)


def _letter(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """What every letter entered carries: who entered it, whose it is, how and when they wrote, and
    the scan or the e-mail's text, with the form's one-time key."""
    fields = ("member_email", "channel", "signed_on", "text", "scan", "submission")
    return {"officer": request.user, **{name: data[name] for name in fields}}


def _enter_restriction(request: HttpRequest) -> HttpResponse:
    member = _member(request, request.POST.get("member_email", ""))
    form = RestrictionLetterForm(request.POST, request.FILES, recipients=restrictions.recipient_choices(member.pk))
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        with on_form(form) as attempt:
            entered = enter_restriction(
                **_letter(request, data),
                categories=data["categories"],
                purposes=data["purposes"],
                limits=data["limits"],
                recipient_ref=data["recipient"],
                signed_name=data["signed_name"],
            )
        if not attempt.refusal:
            return _entered(request, entered)
        status = attempt.status
    return _page(request, "restriction", form, status=status, kind=Kind.RESTRICTION)


def _enter_plain(request: HttpRequest) -> HttpResponse:
    """A copy, an accounting or a question: the letter's date, its scan or the e-mail's text."""
    _member(request, request.POST.get("member_email", ""))
    form = PlainLetterForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        with on_form(form) as attempt:
            entered = services.enter_request(**_letter(request, data), kind=data["kind"])
        if not attempt.refusal:
            return _entered(request, entered)
        status = attempt.status
    kind = request.POST.get("kind", "")
    return _page(request, "letter", form, status=status, kind=kind if kind in PLAIN_KINDS else "")
