"""Copies of a member's records on the desk (RIGHT-ACCESS): the fee shown and accepted when asking,
the fulfilment step that gives the copy when the office answers, and the copy of a request for its
member to download. The copy itself is ``interop.copies``'s: built through the privacy door, kept
sealed, and written to the ledger as a disclosure to the member.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.errors import Invalid, NotFound
from indigomed.interop import copies
from indigomed.interop.copies import Download, Fee
from indigomed.interop.models import CopyGiven
from indigomed.messaging import request_notes
from indigomed.rights import services
from indigomed.rights.models import Request
from indigomed.rights.queries import request_for_member
from indigomed.rights.steps import StepResult

DEFAULT_TEXT = "I ask for a copy of my records."


class FeeNotAccepted(Invalid):
    """A copy that costs something, asked for without accepting the fee shown."""

    code = "fee_not_accepted"


def fee_shown(*, actor: User) -> Fee:
    """What a copy asked for now would cost the member, to show before they ask."""
    return copies.fee_for(actor.pk)


def ask_for_copy(*, actor: User, text: str, signed_name: str, consent: bool, accept_fee: bool) -> Request:
    """A member asks for a copy of their records, signed and dated, accepting the fee shown (if any).
    The fee accepted is kept with the request; the copy given when it is answered charges exactly it.

    ``FeeNotAccepted`` (naming the field) when a fee is due and not accepted; otherwise what
    ``services.file_request`` refuses. Nothing is stored when refused."""
    fee = copies.fee_for(actor.pk)
    if fee.cents and not accept_fee:
        raise FeeNotAccepted(
            gettext("This copy costs %(fee)s: tick the box to accept the fee.") % {"fee": fee.label}, field="accept_fee"
        )

    def keep_fee(request: Request) -> Mapping[str, Any]:
        copies.accept_fee(member_id=request.member_id, request_ref=request.ref, fee=fee)
        return {"fee": fee.label}

    return services.file_request(
        actor=actor,
        kind=Request.Kind.ACCESS,
        text=text.strip() or DEFAULT_TEXT,
        signed_name=signed_name,
        consent=consent,
        then=keep_fee,
    )


def fulfil_access(*, request: Request, officer: User, outcome: str, payload: Mapping[str, Any]) -> StepResult | None:
    """The fulfilment step of a copy request: fulfilled or partly fulfilled gives the copy (at the fee
    accepted when asking); a denial gives none. A copy with items a clinician withheld is a partial
    answer: answering "fulfilled" raises ``Invalid`` so the office gives its reasons instead."""
    if outcome == Request.State.DENIED:
        return StepResult(note_code=request_notes.ACCESS_NONE)
    withheld = copies.withheld_count(request.member_id)
    if withheld and outcome == Request.State.FULFILLED:
        raise Invalid(
            gettext(
                "%(withheld)s item(s) are withheld from this member's copies by a clinician: answer “partly "
                "fulfilled” and give the reasons."
            )
            % {"withheld": withheld},
            field="outcome",
        )
    # A request that carries no acceptance (entered by the office from a letter or e-mail, or filed
    # as a plain request) gets its copy with the fee waived rather than charged unasked.
    accepted = copies.accepted_fee(request.ref)
    given = copies.give_copy(
        actor=officer,
        member_id=request.member_id,
        accepted_fee_cents=accepted.fee_cents if accepted else None,
        request_ref=request.ref,
        waive_fee=accepted is None,
    )
    return StepResult(
        note_code=request_notes.ACCESS_READY,
        note_params={"withheld": bool(given.withheld)},
        link=reverse("rights:detail", args=[request.public_id]),
    )


def copy_of(request: Request) -> CopyGiven | None:
    """The copy given for a request of the member's, if any."""
    if request.kind != Request.Kind.ACCESS:
        return None
    return copies.copy_for(request.ref)


def download(*, actor: User, public_id: str, fmt: str) -> Download:
    """One part (``json`` or ``pdf``) of the copy given for one of the member's requests; ``NotFound``
    for anyone else's request, a request without a copy, or an unknown part."""
    request = request_for_member(actor=actor, public_id=public_id)
    given = copy_of(request)
    if given is None:
        raise NotFound(gettext("There is no copy for this request yet."))
    return copies.open_copy(actor=actor, copy_public_id=str(given.public_id), part=fmt)
