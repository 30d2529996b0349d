"""The requests desk's changes (SPEC §4): file a request, review it, assign it, extend it once,
answer it. Each is one transaction holding the change, its audit event and the message to the
member (through the outbox), so the three commit or fail together.

Refusals are types (``indigomed.errors``): ``NotFound`` for a request that is not the caller's (an
outsider learns nothing more), ``Invalid`` for what was sent, ``Conflict`` for a change the
request's state no longer allows (a second extension, an answer to an answered request).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import Member, PrivacyOfficer, User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Conflict, Invalid, NotFound
from indigomed.messaging.rights import queue_request_message
from indigomed.privacy import correspondence
from indigomed.privacy.queries import member_zone
from indigomed.rights.deadlines import clock_for, due_at, member_jurisdiction
from indigomed.rights.models import Request
from indigomed.rights.steps import StepResult, step_for
from indigomed.rights.uploads import checked_scan
from indigomed.security.services import record_event
from indigomed.text import HIDDEN_CONTROLS

State = Request.State
# What a person may write in a request, and sign with: long enough for a letter, short enough
# that nobody stores a book through the form.
MAX_TEXT = 5000
MAX_SIGNED_NAME = 200
# A letter entered by the office is dated; a date further back than this is a typing mistake.
OLDEST_LETTER_DAYS = 366
NOT_FOUND = "We could not find that request."

# Kind-specific work at filing (an accounting's period and fee): runs in the filing's transaction
# with the new request, and returns what the acknowledgment should say of it.
Then = Callable[[Request], Mapping[str, Any]]


# --- Checks on what people send ------------------------------------------------------------------


def _plain(text: str, *, field: str, limit: int, what: str) -> str:
    text = text.strip()
    if len(text) > limit:
        raise Invalid(gettext("%(what)s: at most %(limit)s characters.") % {"what": what, "limit": limit}, field=field)
    if any(c in HIDDEN_CONTROLS for c in text) or "\x00" in text:
        raise Invalid(
            gettext("%(what)s: remove the invisible characters that change how the text is shown.") % {"what": what},
            field=field,
        )
    return text


def _known_kind(kind: str) -> str:
    if kind not in Request.Kind.values:
        raise Invalid(gettext("Choose what you are asking for."), field="kind")
    return kind


def _signed_name(name: str) -> str:
    name = _plain(name, field="signed_name", limit=MAX_SIGNED_NAME, what=gettext("Your signature"))
    if len(name.split()) < 2:
        raise Invalid(gettext("Type your full name (given and family name) as your signature."), field="signed_name")
    return name


def signature_on_letter(name: str) -> str:
    """The full name a letter or e-mail is signed with, as the office reads it on the letter;
    ``Invalid`` (on ``signed_name``) for one word or invisible characters."""
    name = _plain(name, field="signed_name", limit=MAX_SIGNED_NAME, what=gettext("The signature"))
    if len(name.split()) < 2:
        raise Invalid(
            gettext("Type the full name (given and family name) the letter is signed with."), field="signed_name"
        )
    return name


def _reasons(text: str, *, field: str, what: str) -> str:
    text = _plain(text, field=field, limit=MAX_TEXT, what=what)
    if len(text.split()) < 3:
        raise Invalid(
            gettext("%(what)s: write them out, in a sentence the member can read.") % {"what": what}, field=field
        )
    return text


def _officer(actor: User) -> None:
    if not load_actor(actor).is_privacy_officer:
        raise NotFound(NOT_FOUND)


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


# --- Messages --------------------------------------------------------------------------------


def link_to(request: Request) -> str:
    return reverse("rights:detail", args=[request.public_id])


def _local_date(member_id: int, at: dt.datetime) -> str:
    return at.astimezone(member_zone(member_id)).date().isoformat()


def _tell_member(
    request: Request, kind: str, *, actor: User | None, extra: Mapping[str, Any] | None = None, by_post: bool = False
) -> None:
    context: dict[str, Any] = {
        "kind": request.kind,
        "link": link_to(request),
        "due_on": _local_date(request.member_id, request.answer_by),
    }
    context.update(extra or {})
    queue_request_message(
        member_id=request.member_id,
        kind=kind,
        context=context,
        about_ref=request.ref,
        actor_user_id=getattr(actor, "pk", None),
        by_post=by_post,
    )


# --- Filing -------------------------------------------------------------------------------------


def file_request(
    *,
    actor: User,
    kind: str,
    text: str,
    signed_name: str,
    consent: bool,
    then: Then | None = None,
    submission: uuid.UUID | None = None,
) -> Request:
    """A member files a request online, signed with their typed full name and the consent box, and
    dated now. Its due date is the stricter of the notice's and their jurisdiction's; what they
    wrote and the name they signed with are kept as sealed correspondence (PI-1). They are sent an
    acknowledgment with the due date.

    ``NotFound`` for an account that is not a member's; ``Invalid`` (naming the field) for an
    unknown kind, an empty or oversized text, a signature that is not a full name, or the consent
    box left empty. Nothing is stored when refused.

    ``submission`` is the one-time key of the form or API call: the same key sent again returns the
    request it filed, unchanged, and files nothing more (a double click, a retried call)."""
    if not load_actor(actor).is_member:
        raise NotFound(gettext("Only members file requests."))
    if (already := _already_filed(actor.pk, submission)) is not None:
        return already
    kind = _known_kind(kind)
    text = _plain(text, field="text", limit=MAX_TEXT, what=gettext("Your request"))
    if not text:
        raise Invalid(gettext("Write what you are asking for."), field="text")
    name = _signed_name(signed_name)
    if not consent:
        raise Invalid(gettext("Tick the box that says you sign this request."), field="consent")
    return _open_request(
        member_id=actor.pk,
        kind=kind,
        text=text,
        signed_name=name,
        signature=Request.Signature.ONLINE,
        signed_at=None,
        actor=actor,
        entered_by=None,
        scan=None,
        then=then,
        submission=submission,
    )


def _already_filed(member_id: int, submission: uuid.UUID | None) -> Request | None:
    if submission is None:
        return None
    return Request.objects.filter(member_id=member_id, submission_key=submission).first()


def enter_request(
    *,
    officer: User,
    member_email: str,
    kind: str,
    channel: str,
    signed_on: dt.date,
    text: str = "",
    scan: IO[bytes] | None = None,
    then: Then | None = None,
    submission: uuid.UUID | None = None,
) -> Request:
    """The privacy office enters a request a member made by letter (scanned, and sealed like a
    legal demand's document) or by e-mail (its text). The member is found by the address they sign
    in with, and told that their request was received, with its due date.

    ``NotFound`` for anyone but the office; ``Invalid`` for an address no member has, a letter
    without its scan, a scan that is not a PDF, PNG or JPEG or is too large, an e-mail without its
    text, or a date in the future or over a year old. Nothing is stored when refused. A
    ``submission`` key sent again returns the request it entered."""
    _officer(officer)
    kind = _known_kind(kind)
    if channel not in (Request.Signature.LETTER, Request.Signature.EMAIL):
        raise Invalid(gettext("Say whether the member wrote a letter or an e-mail."), field="channel")
    member_id = letter_member(officer=officer, member_email=member_email)
    if (already := _already_filed(member_id, submission)) is not None:
        return already
    today = timezone.localdate()
    if signed_on > today:
        raise Invalid(gettext("The letter's date is in the future: give the date written on it."), field="signed_on")
    if signed_on < today - dt.timedelta(days=OLDEST_LETTER_DAYS):
        raise Invalid(gettext("That date is over a year ago: give the date written on the letter."), field="signed_on")
    text = _plain(text, field="text", limit=MAX_TEXT, what=gettext("The request's text"))
    checked = checked_scan(scan) if scan is not None else None
    if channel == Request.Signature.LETTER and checked is None:
        raise Invalid(gettext("Attach the scan of the signed letter."), field="scan")
    if channel == Request.Signature.EMAIL and not text:
        raise Invalid(gettext("Paste the text of the member's e-mail."), field="text")
    signed_at = dt.datetime.combine(signed_on, dt.time(12), tzinfo=dt.UTC)
    return _open_request(
        member_id=member_id,
        kind=kind,
        text=text,
        signed_name="",
        signature=channel,
        signed_at=min(signed_at, timezone.now()),
        actor=officer,
        entered_by=officer,
        scan=(checked.content, checked.content_type) if checked else None,
        then=then,
        submission=submission,
    )


def letter_member(*, officer: User, member_email: str) -> int:
    """The member a letter or e-mail the office enters is from, found by the address they sign in
    with. ``NotFound`` for anyone but the office; ``Invalid`` (on ``member_email``) for an address
    no member has."""
    _officer(officer)
    member_id = correspondence.member_with_address(member_email.strip())
    if member_id is None or not Member.objects.filter(user_id=member_id).exists():
        raise Invalid(
            gettext("No member signs in with that e-mail address; nothing was entered."), field="member_email"
        )
    return member_id


def entered_before(member_id: int, submission: uuid.UUID | None) -> Request | None:
    """The request a form's one-time key already filed for the member, if any (a second submit)."""
    return _already_filed(member_id, submission)


def _open_request(
    *,
    member_id: int,
    kind: str,
    text: str,
    signed_name: str,
    signature: str,
    signed_at: dt.datetime | None,
    actor: User,
    entered_by: User | None,
    scan: tuple[bytes, str] | None,
    then: Then | None,
    submission: uuid.UUID | None = None,
) -> Request:
    now = timezone.now()
    clock = clock_for(kind, member_jurisdiction(member_id))
    request = Request(
        member_id=member_id,
        kind=kind,
        jurisdiction=clock.jurisdiction,
        received_at=now,
        due_at=due_at(now, clock),
        signature=signature,
        signed_at=signed_at or now,
        consent=signature == Request.Signature.ONLINE,
        entered_by=entered_by,
        submission_key=submission,
    )
    try:
        return _save_request(request, text, signed_name, scan, actor, entered_by, then)
    except IntegrityError:
        # The same submission, filed meanwhile by its twin: that one stands.
        if (already := _already_filed(member_id, submission)) is not None:
            return already
        raise


def _save_request(
    request: Request,
    text: str,
    signed_name: str,
    scan: tuple[bytes, str] | None,
    actor: User,
    entered_by: User | None,
    then: Then | None,
) -> Request:
    member_id, kind, signature = request.member_id, request.kind, request.signature
    with transaction.atomic():
        request.correspondence_id = correspondence.keep_written(
            member_id=member_id,
            channel=correspondence.ONLINE if signature == Request.Signature.ONLINE else signature,
            text=text,
            signed_name=signed_name,
        )
        if scan is not None:
            content, content_type = scan
            sealed = correspondence.seal_scan(member_id=member_id, content=content)
            request.scan.save(f"{request.public_id}.sealed", ContentFile(sealed), save=False)
            request.scan_type = content_type
        request.save()
        told = dict(then(request)) if then else {}
        record_event(
            actor=actor,
            action="request.filed",
            member_id=member_id,
            subject_ref=request.ref,
            details={"kind": kind, "signature": signature},
        )
        if entered_by is not None:
            told["entered"] = signature
        _tell_member(request, "request-received", actor=actor, extra=told)
    return request


# --- The office's work ---------------------------------------------------------------------------


def assign(*, officer: User, public_id: uuid.UUID | str, to_user_id: int) -> Request:
    """The office gives an open request to one of its officers (the desk lists requests per officer).

    ``Invalid`` when the person named is not a privacy officer; ``Conflict`` for an answered request."""
    _officer(officer)
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
    _officer(officer)
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
        _tell_member(request, "request-in-review", actor=officer)
    return request


def extend(*, officer: User, public_id: uuid.UUID | str, reason: str) -> Request:
    """The one extension the member's jurisdiction allows for this kind of request, with the reason
    told to the member, decided before the first deadline passes.

    ``Conflict`` for an answered request, a second extension, a kind or place whose law gives
    none, or a deadline already passed; ``Invalid`` without a reason."""
    _officer(officer)
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
        _tell_member(
            request,
            "request-extended",
            actor=officer,
            extra={
                "due_on": _local_date(request.member_id, previous),
                "new_due_on": _local_date(request.member_id, request.extended_due_at),
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
    _officer(officer)
    if outcome not in Request.CONCLUDED:
        raise Invalid(gettext("Choose fulfilled, partly fulfilled or denied."), field="outcome")
    needs = outcome in Request.NEEDS_REASONS
    written = _plain(reasons, field="reasons", limit=MAX_TEXT, what=gettext("The reasons"))
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
        _tell_member(
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
