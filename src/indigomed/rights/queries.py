"""Reads of the requests desk: a member's own requests, and the privacy office's queues.

Requests are loaded through access helpers: a member gets "not found" for a request that is not
theirs, anyone but the office for the desk. What the member wrote and the office's reasons are
opened through ``privacy.correspondence``, which logs the read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.accounts.roles import load_actor
from indigomed.conf import product_setting
from indigomed.errors import NotFound
from indigomed.messaging.models import Message
from indigomed.messaging.queries import messages_about
from indigomed.privacy import correspondence
from indigomed.rights.models import Request

NOT_FOUND = "We could not find that request."


def _key(public_id: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(NOT_FOUND) from None


def requests_of(*, actor: User) -> QuerySet[Request]:
    """The member's own requests, newest first."""
    return Request.objects.filter(member_id=actor.pk).select_related("accounting").order_by("-received_at", "-pk")


def request_for_member(*, actor: User, public_id: uuid.UUID | str) -> Request:
    """One of the member's own requests; ``NotFound`` for anyone else's, as for one that does not exist."""
    request = requests_of(actor=actor).filter(public_id=_key(public_id)).first()
    if request is None:
        raise NotFound(NOT_FOUND)
    return request


def request_for_office(*, officer: User, public_id: uuid.UUID | str) -> Request:
    """Any request, for the privacy office; ``NotFound`` for anyone else."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(NOT_FOUND)
    request = (
        Request.objects.select_related("officer", "entered_by", "accounting").filter(public_id=_key(public_id)).first()
    )
    if request is None:
        raise NotFound(NOT_FOUND)
    return request


@dataclass(frozen=True)
class Papers:
    """A request's sealed texts, opened for whoever may read them."""

    text: str
    signed_name: str
    reasons: str
    extension_reason: str


def _papers(written: dict[int, correspondence.Written], notes: dict[str, str], request: Request) -> Papers:
    mine = written.get(request.correspondence_id) or correspondence.Written("", "")
    return Papers(mine.text, mine.signed_name, notes.get("reasons", ""), notes.get("extension_reason", ""))


def _notes(request: Request) -> dict[str, bytes | memoryview | None]:
    return {"reasons": request.reasons, "extension_reason": request.extension_reason}


def papers_for_member(*, actor: User, request: Request) -> Papers:
    """What the member wrote and what the office answered, opened for the member (their read is logged)."""
    if request.member_id != actor.pk:
        raise NotFound(NOT_FOUND)
    written, notes = correspondence.read_own(
        member_id=actor.pk, entry_ids=[request.correspondence_id], model=Request, notes=_notes(request)
    )
    return _papers(written, notes, request)


def papers_for_office(*, officer: User, request: Request) -> Papers:
    """The same, opened for the privacy office answering it: an access in the member's log."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(NOT_FOUND)
    written, notes = correspondence.read_for_office(
        officer_id=officer.pk,
        member_id=request.member_id,
        request_ref=request.ref,
        entry_ids=[request.correspondence_id],
        model=Request,
        notes=_notes(request),
    )
    return _papers(written, notes, request)


def messages_of(*, request: Request) -> list[Message]:
    """What the member was sent about the request (kind, when, how it went); never the text."""
    return list(messages_about(member_id=request.member_id, about_refs=[request.ref]))


# --- The desk ---------------------------------------------------------------------------------


@dataclass
class OfficerLoad:
    officer: User | None
    overdue: int = 0
    due_soon: int = 0
    later: int = 0


@dataclass
class Desk:
    """The open requests by deadline: overdue, due soon (``REQUEST_DUE_SOON_DAYS``), later; and per officer."""

    overdue: list[Request] = field(default_factory=list)
    due_soon: list[Request] = field(default_factory=list)
    later: list[Request] = field(default_factory=list)
    per_officer: list[OfficerLoad] = field(default_factory=list)
    recently_answered: list[Request] = field(default_factory=list)


def open_requests() -> QuerySet[Request]:
    """Open requests, the nearest deadline first (an extension's date once extended)."""
    return (
        Request.objects.filter(state__in=Request.OPEN)
        .annotate(deadline=Coalesce("extended_due_at", "due_at"))
        .select_related("officer")
        .order_by("deadline", "pk")
    )


def desk(*, officer: User, assigned_to: int | None = None, now: dt.datetime | None = None) -> Desk:
    """The privacy office's desk, for one officer's requests or everyone's. ``NotFound`` for anyone
    but the office."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("The desk is the privacy office's."))
    now = now or timezone.now()
    soon = now + dt.timedelta(days=int(product_setting("REQUEST_DUE_SOON_DAYS")))
    result = Desk()
    loads: dict[int | None, OfficerLoad] = {}
    for request in open_requests():
        deadline = request.answer_by
        load = loads.setdefault(request.officer_id, OfficerLoad(request.officer))
        if deadline < now:
            bucket, load.overdue = result.overdue, load.overdue + 1
        elif deadline <= soon:
            bucket, load.due_soon = result.due_soon, load.due_soon + 1
        else:
            bucket, load.later = result.later, load.later + 1
        if assigned_to is None or request.officer_id == assigned_to:
            bucket.append(request)
    result.per_officer = sorted(loads.values(), key=lambda load: (load.officer is None, str(load.officer or "")))
    answered = Request.objects.filter(state__in=Request.CONCLUDED).select_related("officer")
    if assigned_to is not None:
        answered = answered.filter(officer_id=assigned_to)
    result.recently_answered = list(answered.order_by("-concluded_at")[:20])
    return result


def officers() -> list[User]:
    """The privacy office's officers, by name, for assigning requests."""
    ids = PrivacyOfficer.objects.values_list("user_id", flat=True)
    return sorted(User.objects.filter(pk__in=ids), key=str)


def overdue_by_officer(*, now: dt.datetime | None = None) -> dict[int | None, list[Request]]:
    """Open requests past their deadline, grouped by the officer they are assigned to (None: nobody)."""
    now = now or timezone.now()
    grouped: dict[int | None, list[Request]] = defaultdict(list)
    past = Q(extended_due_at__lt=now) | Q(extended_due_at__isnull=True, due_at__lt=now)
    for request in open_requests().filter(past):
        grouped[request.officer_id].append(request)
    return dict(grouped)
