"""The office's work on a request on the desk (SPEC §4): assign it, review it, extend it once,
answer it. Each is one transaction holding the change, its audit event and the message to the
member (through the outbox), so the three commit or fail together. Filing a request is
``rights.services``.

Refusals are types (``indigomed.errors``): ``NotFound`` for a request that is not the caller's (an
outsider learns nothing more), ``Invalid`` for what was sent, ``Conflict`` for a change the
request's state no longer allows (a second extension, an answer to an answered request).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.errors import Conflict, Invalid, NotFound
from indigomed.privacy import correspondence
from indigomed.rights.deadlines import clock_for
from indigomed.rights.models import Request
from indigomed.rights.services import MAX_TEXT, NOT_FOUND, check_officer, local_date, plain_text, tell_member
from indigomed.rights.steps import StepResult, step_for
from indigomed.security.services import record_event

State = Request.State


def _reasons(text: str, *, field: str, what: str) -> str:
    text = plain_text(text, field=field, limit=MAX_TEXT, what=what)
    if len(text.split()) < 3:
        raise Invalid(
            gettext("%(what)s: write them out, in a sentence the member can read.") % {"what": what}, field=field
        )
    return text


def _locked(public_id: uuid.UUID | str) -> Request:
    """The request, locked for this transaction; ``NotFound`` for an id that names none."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    request = Request.objects.select_for_update().filter(public_id=key).first()
    if request is None:
        raise NotFound(NOT_FOUND)
    return request


# --- The office's work ---------------------------------------------------------------------------


def assign(*, officer: User, public_id: uuid.UUID | str, to_user_id: int) -> Request:
    """The office gives an open request to one of its officers (the desk lists requests per officer).

    ``Invalid`` when the person named is not a privacy officer; ``Conflict`` for an answered request."""
    check_officer(officer)
    if not PrivacyOfficer.objects.filter(user_id=to_user_id).exists():
        raise Invalid(gettext("Choose an officer of the privacy office."), field="officer")
    with transaction.atomic():
        request = _locked(public_id)
        if not request.is_open:
            raise Conflict(gettext("This request is answered; it needs no officer any more."))
        if request.officer_id == to_user_id:
            return request
        request.officer_id = to_user_id
        request.save(update_fields=["officer"])
        record_event(
            actor=officer,
            action="request.assigned",
            member_id=request.member_id,
            subject_ref=request.ref,
            details={"officer": to_user_id},
        )
    return request


def start_review(*, officer: User, public_id: uuid.UUID | str) -> Request:
    """The office starts reviewing a received request (and takes it, if nobody has); the member is told.

    ``Conflict`` when it is already in review or answered."""
    check_officer(officer)
    with transaction.atomic():
        request = _locked(public_id)
        if request.state != State.RECEIVED:
            raise Conflict(gettext("This request is already in review or answered."))
        request.state = State.IN_REVIEW
        request.review_started_at = timezone.now()
        request.officer_id = request.officer_id or officer.pk
        request.save(update_fields=["state", "review_started_at", "officer"])
        record_event(
            actor=officer,
            action="request.review_started",
            member_id=request.member_id,
            subject_ref=request.ref,
            details={"officer": request.officer_id},
        )
        tell_member(request, "request-in-review", actor=officer)
    return request


def extend(*, officer: User, public_id: uuid.UUID | str, reason: str) -> Request:
    """The one extension the member's jurisdiction allows for this kind of request, with the reason
    told to the member, decided before the first deadline passes.

    ``Conflict`` for an answered request, a second extension, a kind or place whose law gives
    none, or a deadline already passed; ``Invalid`` without a reason."""
    check_officer(officer)
    reason = _reasons(reason, field="reason", what=gettext("The reason for the extension"))
    with transaction.atomic():
        request = _locked(public_id)
        if not request.is_open:
            raise Conflict(gettext("This request is answered; its deadline no longer runs."))
        if request.extended_due_at is not None:
            raise Conflict(gettext("This request was already extended once; the law allows no second extension."))
        days = clock_for(request.kind, request.jurisdiction).extension_days
        if not days:
            raise Conflict(gettext("The law where this member lives gives no extension for this kind of request."))
        now = timezone.now()
        if now >= request.due_at:
            raise Conflict(gettext("The deadline has passed: an extension must be told to the member before it."))
        previous = request.due_at
        request.extended_due_at = previous + dt.timedelta(days=days)
        request.extended_at = now
        request.extension_reason = correspondence.seal_note(
            member_id=request.member_id, model=Request, field="extension_reason", text=reason
        )
        request.save(update_fields=["extended_due_at", "extended_at", "extension_reason"])
        record_event(
            actor=officer,
            action="request.extended",
            member_id=request.member_id,
            subject_ref=request.ref,
            details={"days": days},
        )
        tell_member(
            request,
            "request-extended",
            actor=officer,
            extra={
                "due_on": local_date(request.member_id, previous),
                "new_due_on": local_date(request.member_id, request.extended_due_at),
                "reason": reason,
            },
        )
    return request


def conclude(
    *,
    officer: User,
    public_id: uuid.UUID | str,
    outcome: str,
    reasons: str = "",
    payload: Mapping[str, Any] | None = None,
) -> Request:
    """The office answers a request in review: fulfilled, partly fulfilled or denied, with reasons
    (required for the last two). The kind's fulfilment step (``rights.steps``), if it has one, runs
    first in the same transaction: its refusal leaves everything as it was. The member is told the
    answer, the reasons and what the step says.

    ``Invalid`` for an unknown outcome or missing reasons; ``Conflict`` for a request not in review."""
    check_officer(officer)
    if outcome not in Request.CONCLUDED:
        raise Invalid(gettext("Choose fulfilled, partly fulfilled or denied."), field="outcome")
    needs = outcome in Request.NEEDS_REASONS
    written = plain_text(reasons, field="reasons", limit=MAX_TEXT, what=gettext("The reasons"))
    if needs or written:
        written = _reasons(written, field="reasons", what=gettext("The reasons"))
    with transaction.atomic():
        request = _locked(public_id)
        if request.state == State.RECEIVED:
            raise Conflict(gettext("Start the review before answering this request."))
        if request.state != State.IN_REVIEW:
            raise Conflict(gettext("This request is already answered."))
        step = step_for(request.kind)
        # The step sees the answer's reasons too, when there are any (a refused restriction keeps them).
        given = {**({"reasons": written} if written else {}), **(payload or {})}
        result = step(request=request, officer=officer, outcome=outcome, payload=given) if step else None
        result = result or StepResult()
        request.state = outcome
        request.concluded_at = timezone.now()
        if written:
            request.reasons = correspondence.seal_note(
                member_id=request.member_id, model=Request, field="reasons", text=written
            )
        request.save(update_fields=["state", "concluded_at", "reasons"])
        record_event(
            actor=officer,
            action="request.concluded",
            member_id=request.member_id,
            subject_ref=request.ref,
            details={"kind": request.kind, "outcome": outcome},
        )
        tell_member(
            request,
            "request-concluded",
            actor=officer,
            extra={
                "outcome": outcome,
                "reasons": written,
                "note": result.note,
                **(
                    {"note_code": result.note_code, "note_params": dict(result.note_params)} if result.note_code else {}
                ),
            },
        )
    return request
