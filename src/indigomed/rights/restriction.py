"""Restrictions on the requests desk (RIGHT-RESTRICT): a member's restriction the office must
decide is a request of kind ``restriction`` (signed, dated, due by the policy's day, followed at
``/me/requests/``) and, filed in the same transaction, the restriction itself
(``privacy.restrictions``). Answering the request accepts or refuses the restriction through the
desk's registry (``rights.steps``: ``fulfil_restriction``). A restriction the law accepts at once
(care paid in full, kept from the health plan) leaves the office nothing to decide and is no request.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import IO, Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Invalid, NotFound
from indigomed.messaging import request_notes
from indigomed.privacy import restrictions, wording
from indigomed.privacy.models import Restriction
from indigomed.rights import office, services
from indigomed.rights.models import Request
from indigomed.rights.steps import StepResult

State = Request.State


def _words(*, categories: list[str], purposes: list[str], limits: str, label: str) -> str:
    """The request as the member's letter would put it (kept sealed with the request), in the
    language of the page they sign on."""
    what = ", ".join(wording.category_name(c).lower() for c in sorted(categories)) or gettext(
        "information of every kind"
    )
    uses = ", ".join(wording.purpose(p).lower() for p in sorted(purposes)) or gettext("every use")
    limited = str(Restriction.Limits(limits).label).lower()
    values = {"what": what, "limited": limited, "uses": uses, "label": label}
    if label:
        return gettext("I ask that my %(what)s be restricted (%(limited)s) for %(uses)s, not to %(label)s.") % values
    return gettext("I ask that my %(what)s be restricted (%(limited)s) for %(uses)s.") % values


def ask_for_restriction(
    *,
    actor: User,
    categories: list[str],
    purposes: list[str],
    limits: str,
    recipient_ref: str,
    paid_in_full: bool,
    signed_name: str,
    consent: bool,
    submission: uuid.UUID | None = None,
) -> Restriction:
    """The member asks, signed and dated, for a restriction. One the law accepts at once binds from
    now on and they are told; any other is a request on the desk, due by the policy's day, which
    the desk acknowledges.

    ``Invalid`` (nothing stored) for a recipient the member has no relation with, "paid in full" on
    another restriction, a second identical request, or a missing signature or consent. The same
    ``submission`` key sent again returns the restriction it asked for (a retried call).
    """
    if not load_actor(actor).is_member:
        raise NotFound(gettext("Only members ask for restrictions."))
    if (already := _asked_with(actor, submission)) is not None:
        return already
    label = restrictions.check_restriction(
        actor=actor,
        categories=categories,
        purposes=purposes,
        limits=limits,
        recipient_ref=recipient_ref,
        paid_in_full=paid_in_full,
    )
    filed: list[Restriction] = []

    def keep(request: Request | None) -> Mapping[str, Any]:
        filed.append(
            restrictions.file_restriction(
                actor=actor,
                categories=categories,
                purposes=purposes,
                limits=limits,
                recipient_ref=recipient_ref,
                paid_in_full=paid_in_full,
                signed_name=signed_name,
                explicit_consent=consent,
                request_public_id=request.public_id if request else None,
            )
        )
        return {}

    if restrictions.accepted_by_rule(paid_in_full=paid_in_full, recipient_ref=recipient_ref, purposes=purposes):
        keep(None)
    else:
        services.file_request(
            actor=actor,
            kind=Request.Kind.RESTRICTION,
            text=_words(categories=categories, purposes=purposes, limits=limits, label=label),
            signed_name=signed_name,
            consent=consent,
            then=keep,
            submission=submission,
        )
    return filed[0]


def _asked_with(actor: User, submission: uuid.UUID | None) -> Restriction | None:
    # Only a restriction that waits on the desk has a request to carry the key: one the law accepts
    # at once is bound already, and a retry of it is refused as the same restriction asked again.
    request = services.entered_before(actor.pk, submission)
    if request is None:
        return None
    return Restriction.objects.filter(request_public_id=request.public_id).first()


def enter_restriction(
    *,
    officer: User,
    member_email: str,
    channel: str,
    signed_on: dt.date,
    categories: list[str],
    purposes: list[str],
    limits: str,
    recipient_ref: str,
    signed_name: str,
    text: str = "",
    scan: IO[bytes] | None = None,
    submission: uuid.UUID | None = None,
) -> Request:
    """The privacy office enters a restriction a member asked for by letter (its scan, sealed) or
    e-mail, structured exactly as one asked online: which information, for which uses, whether it
    limits use, disclosure or both, and who must not receive it. It is signed with the name the
    letter is signed with and dated by the letter's date; it is the same restriction, accepted or
    refused on the same pages, and the decision point enforces it once accepted.

    ``Invalid`` (nothing stored) for a recipient the member has no relation with, a signature that
    is not a full name, the same restriction asked already, and as ``services.enter_request`` does
    for the member's address, the date and the scan. A ``submission`` key sent again returns the
    request it entered.
    """
    member_id = services.letter_member(officer=officer, member_email=member_email)
    if (already := services.entered_before(member_id, submission)) is not None:
        return already
    member = User.objects.get(pk=member_id)
    # Checked before anything is written, the sealed scan included.
    label = restrictions.check_restriction(
        actor=member,
        categories=categories,
        purposes=purposes,
        limits=limits,
        recipient_ref=recipient_ref,
        paid_in_full=False,
    )
    name = services.signature_on_letter(signed_name)
    letter = _words(categories=categories, purposes=purposes, limits=limits, label=label)
    if text.strip():
        letter += "\n\n" + text.strip()

    def keep(request: Request) -> Mapping[str, Any]:
        restrictions.file_restriction(
            actor=member,
            categories=categories,
            purposes=purposes,
            limits=limits,
            recipient_ref=recipient_ref,
            signed_name=name,
            # The letter is the member's signature: they wrote and signed it themselves.
            explicit_consent=True,
            request_public_id=request.public_id,
            signed_at=request.signed_at,
        )
        return {}

    return services.enter_request(
        officer=officer,
        member_email=member_email,
        kind=Request.Kind.RESTRICTION,
        channel=channel,
        signed_on=signed_on,
        text=letter,
        scan=scan,
        then=keep,
        submission=submission,
    )


def decide(*, officer: User, public_id: str, accept: bool, reason: str = "") -> Restriction:
    """The office accepts or refuses a restriction (refusing with a reason). One filed on the desk is
    decided by answering its request (taken into review if it was not; the desk tells the member),
    one filed before the desk directly. One transaction.

    ``NotFound`` for anyone but the office or an unknown restriction; ``Invalid`` for a refusal
    without a reason or one the law does not allow; ``Conflict`` for one already decided.
    """
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("We could not find that restriction."))
    restriction = Restriction.objects.filter(public_id=public_id).first()
    if restriction is None:
        raise NotFound(gettext("We could not find that restriction."))
    if restriction.request_public_id is None:
        return restrictions.decide_restriction(officer=officer, public_id=public_id, accept=accept, reason=reason)
    if restriction.status != Restriction.Status.REQUESTED:
        raise Invalid(gettext("This restriction was already decided."))
    if not accept:
        restrictions.check_refusal(restriction=restriction, reason=reason)
    with transaction.atomic():
        request = Request.objects.select_for_update().filter(public_id=restriction.request_public_id).first()
        if request is None:
            raise NotFound(gettext("We could not find that restriction."))
        if request.state == State.RECEIVED:
            office.start_review(officer=officer, public_id=request.public_id)
        office.conclude(
            officer=officer,
            public_id=request.public_id,
            outcome=State.FULFILLED if accept else State.DENIED,
            reasons=reason,
            payload={"reasons": reason},
        )
    restriction.refresh_from_db()
    return restriction


def fulfil_restriction(
    *, request: Request, officer: User, outcome: str, payload: Mapping[str, Any]
) -> StepResult | None:
    """The desk's step for restrictions: fulfilled accepts the restriction (it binds from now on),
    denied refuses it with the answer's reasons. A restriction is accepted or refused as asked."""
    restriction = Restriction.objects.filter(request_public_id=request.public_id).first()
    if restriction is None:
        # Entered from a letter: what it covers and whom is not in a form the decision point
        # enforces, so it can be refused with reasons, not accepted.
        if outcome == State.DENIED:
            return None
        raise Invalid(
            gettext(
                "This request names no restriction the decision point can enforce: ask the member to ask from "
                "their privacy page, where they choose what it covers and whom, or refuse it with your reasons."
            )
        )
    page = reverse("my_privacy")
    if outcome not in (State.FULFILLED, State.DENIED):
        raise Invalid(gettext("A restriction is accepted or refused as asked, never in part."), field="outcome")
    accept = outcome == State.FULFILLED
    restrictions.decide_restriction(
        officer=officer,
        public_id=str(restriction.public_id),
        accept=accept,
        reason=str(payload.get("reasons") or ""),
        for_request=request.public_id,
    )
    if accept:
        return StepResult(note_code=request_notes.RESTRICTION_ACCEPTED, note_params={"page": page}, link=page)
    return StepResult(note_code=request_notes.RESTRICTION_REFUSED, note_params={"page": page}, link=page)
