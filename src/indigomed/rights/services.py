"""The requests desk's filing (SPEC §4): a member files a request online, or the office enters one a
member made by letter or e-mail. Filing is one transaction holding the request, its audit event and
the acknowledgment to the member (through the outbox), so the three commit or fail together. The
office's work on a filed request is ``rights.office``, which shares the checks on what people send
and the messages to the member kept here.

Refusals are types (``indigomed.errors``): ``NotFound`` for anyone who may not file or enter a
request (an outsider learns nothing more), ``Invalid`` for what was sent.
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

from indigomed.accounts.models import Member, User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Invalid, NotFound
from indigomed.messaging.rights import queue_request_message
from indigomed.privacy import correspondence
from indigomed.privacy.queries import member_zone
from indigomed.rights.deadlines import clock_for, due_at, member_jurisdiction
from indigomed.rights.models import Request
from indigomed.rights.uploads import checked_scan
from indigomed.security.services import record_event
from indigomed.text import HIDDEN_CONTROLS

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


def plain_text(text: str, *, field: str, limit: int, what: str) -> str:
    """What someone sent, trimmed; ``Invalid`` (on ``field``, naming it ``what``) when longer than
    ``limit`` or holding invisible characters."""
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
    name = plain_text(name, field="signed_name", limit=MAX_SIGNED_NAME, what=gettext("Your signature"))
    if len(name.split()) < 2:
        raise Invalid(gettext("Type your full name (given and family name) as your signature."), field="signed_name")
    return name


def signature_on_letter(name: str) -> str:
    """The full name a letter or e-mail is signed with, as the office reads it on the letter;
    ``Invalid`` (on ``signed_name``) for one word or invisible characters."""
    name = plain_text(name, field="signed_name", limit=MAX_SIGNED_NAME, what=gettext("The signature"))
    if len(name.split()) < 2:
        raise Invalid(
            gettext("Type the full name (given and family name) the letter is signed with."), field="signed_name"
        )
    return name


def check_officer(actor: User) -> None:
    """``NotFound``, as for a request that does not exist, for anyone but the privacy office."""
    if not load_actor(actor).is_privacy_officer:
        raise NotFound(NOT_FOUND)


# --- Messages --------------------------------------------------------------------------------


def link_to(request: Request) -> str:
    return reverse("rights:detail", args=[request.public_id])


def local_date(member_id: int, at: dt.datetime) -> str:
    """The day ``at`` falls on where the member lives, as an ISO date (for a message's due dates)."""
    return at.astimezone(member_zone(member_id)).date().isoformat()


def tell_member(
    request: Request, kind: str, *, actor: User | None, extra: Mapping[str, Any] | None = None, by_post: bool = False
) -> None:
    """Queue a ``request-*`` message about ``request`` to its member, in the caller's transaction: the
    request's kind, link and due date, and ``extra``; ``by_post`` when the member asked for the
    answer on paper."""
    context: dict[str, Any] = {
        "kind": request.kind,
        "link": link_to(request),
        "due_on": local_date(request.member_id, request.answer_by),
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
    text = plain_text(text, field="text", limit=MAX_TEXT, what=gettext("Your request"))
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
    check_officer(officer)
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
    text = plain_text(text, field="text", limit=MAX_TEXT, what=gettext("The request's text"))
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
    check_officer(officer)
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
        tell_member(request, "request-received", actor=actor, extra=told)
    return request
