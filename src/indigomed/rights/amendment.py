"""Amendments on the requests desk (RIGHT-AMEND): a member's request to correct one record is a
request of kind ``amendment`` (signed, dated, due by the policy's day for where they live, followed
at ``/me/requests/``) and, filed in the same transaction, the amendment it asks for
(``privacy.amendments``). Answering the request applies or denies the amendment through the desk's
registry (``rights.steps``: ``fulfil_amendment``), so the request, the record, the people told and
the member's answer commit or fail together.
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
from indigomed.errors import Invalid, NotFound
from indigomed.messaging import request_notes
from indigomed.privacy import amendments
from indigomed.privacy.amendment_queries import amendment_of_request, office_amendment, own_record
from indigomed.privacy.amendment_values import shown
from indigomed.rights import office, services
from indigomed.rights.models import Request
from indigomed.rights.steps import StepResult

State = Request.State


def ask_for_amendment(
    *,
    actor: User,
    record: str,
    proposed: str,
    why: str,
    signed_name: str,
    consent: bool,
    submission: uuid.UUID | None = None,
) -> Request:
    """The member asks, signed and dated online, that one of their records say something else, and
    why: a request on the desk, due by the stricter of the notice's and their law's day (60 days in
    the US, one month in France), and the amendment it asks for. The desk acknowledges it.

    ``NotFound`` (nothing stored) for a record that is not the member's; ``Invalid`` for a value
    the record cannot hold or holds already, a missing reason, signature or consent, or while a
    request for the same record waits. The same ``submission`` key sent again returns the request it
    filed (a retried call), before any of those checks would refuse it as waiting.
    """
    if (already := services.entered_before(actor.pk, submission)) is not None:
        return already
    target, value = amendments.check_amendment(actor=actor, record=record, proposed=proposed, why=why)
    _, label, current = own_record(actor=actor, record=record)
    # The member's request in the language they wrote it in (the page's): it is kept as they signed it.
    nothing = gettext("(nothing)")
    text = gettext("I ask that this record be corrected: %(label)s.\nIt says: %(current)s\n") % {
        "label": label,
        "current": current or nothing,
    }
    text += gettext("It should say: %(proposed)s\nWhy: %(why)s") % {
        "proposed": shown(target, value) or nothing,
        "why": why.strip(),
    }

    def then(request: Request) -> Mapping[str, Any]:
        amendments.request_amendment(
            actor=actor, record=record, proposed=proposed, why=why, request_public_id=request.public_id
        )
        return {}

    return services.file_request(
        actor=actor,
        kind=Request.Kind.AMENDMENT,
        text=text,
        signed_name=signed_name,
        consent=consent,
        then=then,
        submission=submission,
    )


def enter_amendment(
    *,
    officer: User,
    member_email: str,
    channel: str,
    signed_on: dt.date,
    record: str,
    proposed: str,
    why: str,
    text: str = "",
    scan: IO[bytes] | None = None,
    submission: uuid.UUID | None = None,
) -> Request:
    """The privacy office enters an amendment a member asked for by letter (its scan, sealed) or
    e-mail, structured exactly as one asked online: which record, which field, the value asked for
    and why. It is the same amendment, answered on the same page, accepted or denied the same way.

    Raises as ``services.enter_request`` does, and as ``ask_for_amendment`` does for the record,
    value and reason (checked against the member's own records). Nothing is stored when refused.
    """
    letter = f"Correct this record: {record}\nIt should say: {proposed.strip() or '(nothing)'}\nWhy: {why.strip()}"
    if text.strip():
        letter += "\n\n" + text.strip()

    def then(request: Request) -> Mapping[str, Any]:
        member = User.objects.get(pk=request.member_id)
        amendments.request_amendment(
            actor=member, record=record, proposed=proposed, why=why, request_public_id=request.public_id
        )
        return {}

    return services.enter_request(
        officer=officer,
        member_email=member_email,
        kind=Request.Kind.AMENDMENT,
        channel=channel,
        signed_on=signed_on,
        text=letter,
        scan=scan,
        then=then,
        submission=submission,
    )


def answer_amendment(*, officer: User, public_id: str, accept: bool, basis: str = "", explanation: str = "") -> Request:
    """The office answers an amendment from its page: its request is taken into review if it was
    not, then concluded, fulfilled (the record corrected, those who had it told) or denied on a
    basis the law allows, explained; the desk tells the member. One transaction.

    ``NotFound`` for anyone but the office or an unknown amendment; ``Invalid`` for a denial
    without basis or explanation; ``Conflict`` for a request already answered.
    """
    amendment = office_amendment(officer, public_id)
    if not accept:
        amendments.check_denial(basis=basis, explanation=explanation)
    with transaction.atomic():
        request = Request.objects.select_for_update().filter(public_id=amendment.request_public_id).first()
        if request is None:
            raise NotFound(gettext("We could not find that request."))
        if request.state == State.RECEIVED:
            office.start_review(officer=officer, public_id=request.public_id)
        return office.conclude(
            officer=officer,
            public_id=request.public_id,
            outcome=State.FULFILLED if accept else State.DENIED,
            reasons=explanation,
            payload={"basis": basis, "explanation": explanation} if not accept else {},
        )


def fulfil_amendment(*, request: Request, officer: User, outcome: str, payload: Mapping[str, Any]) -> StepResult | None:
    """The desk's step for amendments: fulfilled applies the amendment, denied records its basis
    and explanation (the denial's reasons). An amendment of one record is all or nothing, so it is
    never partly fulfilled. A request that names no record (entered from a letter) can only be
    denied, with the desk's reasons."""
    amendment = amendment_of_request(officer=officer, request_public_id=request.public_id)
    if amendment is None:
        # A letter or e-mail the office entered names no record in a form IndigoMed can apply: it can
        # be denied with reasons, but a correction is applied only to a record the member named.
        if outcome == State.DENIED:
            return None
        raise Invalid(
            gettext(
                "This request names no record IndigoMed can correct: ask the member to ask from their records "
                "page, where they choose the record and its new value, or deny it with your reasons."
            )
        )
    page = reverse("my_amendments")
    if outcome == State.FULFILLED:
        _, told = amendments.accept_amendment(
            officer=officer, public_id=str(amendment.public_id), for_request=request.public_id
        )
        return StepResult(
            note_code=request_notes.AMENDMENT_CORRECTED, note_params={"told": told, "page": page}, link=page
        )
    if outcome == State.DENIED:
        basis = str(payload.get("basis") or "")
        if not basis:
            raise Invalid(
                gettext("Deny an amendment from its own page, where the basis the law allows is chosen: %(page)s")
                % {"page": reverse("office:amendment", args=[amendment.public_id])}
            )
        amendments.deny_amendment(
            officer=officer,
            public_id=str(amendment.public_id),
            basis=basis,
            explanation=str(payload.get("explanation") or payload.get("reasons") or ""),
            for_request=request.public_id,
        )
        return StepResult(note_code=request_notes.AMENDMENT_DENIED, note_params={"page": page}, link=page)
    raise Invalid(
        gettext("An amendment of one record is accepted or denied as a whole, never in part."), field="outcome"
    )
