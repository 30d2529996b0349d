"""Shredding a member (PI-3), and closing a child's account before shredding it (CHILD-2).

``shred_member`` is the one way any member is shredded. Every room forgets its own part, in one
transaction: visits move to a pseudonymous account under new ids (the practice keeps its
calendar), consents and care relationships go, outbox rows go (breach notices stay as proof),
copies and withholdings go, sealed records and then the data key go, audit events about the
member become anonymous, and the account is emptied: sessions, second factors, addresses,
sign-in key, name. What stays holds references only — the ledger's hash chain, the access log,
requests' dates — and none of it leads to a person or to a visit.

A child's account is closed first (sign-in refused, sessions ended) and one message queued, in
the member's language, to them or to the parent the office names. The shredding waits for that
message — it needs the member's sealed address to be delivered — and runs as soon as the outbox
is done with it (sent, held, given up) or, at the latest, ``WAIT_FOR_MESSAGE`` after closing:
``shred_when_told`` runs right after the closing commits and in every sweep of the worker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.erasure import end_every_session, forget_account, new_pseudonym
from indigomed.accounts.models import Member, User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Forbidden, NotFound
from indigomed.interop.models import CopyGiven, Withholding, WithholdingReview
from indigomed.messaging.erasure import forget_messages, queue_account_closed_notice
from indigomed.messaging.models import Message
from indigomed.privacy.shredding import forget_consents_and_care
from indigomed.records.erasure import erase_member_records
from indigomed.rights.models import Shredding
from indigomed.scheduling.pseudonyms import pseudonymize_visits
from indigomed.security.redaction import pseudonymize_events
from indigomed.security.services import record_event

WAIT_FOR_MESSAGE = dt.timedelta(days=3)
_OUTBOX_DONE = (Message.Status.SENT, Message.Status.HELD, Message.Status.DEAD, Message.Status.WITHDRAWN)


def _officer(actor: Any) -> None:
    if not load_actor(actor).is_privacy_officer:
        raise Forbidden(gettext("Only the privacy office closes and shreds accounts."))


def close_child_account(
    *, officer: Any, member_id: int, basis: str, parent_email: str | None = None
) -> tuple[Shredding, bool]:
    """Close the account of a member found to be under 13 (CHILD-2): sign-in refused at once,
    every session ended, the one message queued (to ``parent_email`` if given, else the member's
    own way), and the shredding scheduled; it runs once the message is out (``shred_when_told``).

    Returns the shredding and whether this call made it: closing an account already closed
    returns its shredding unchanged, with ``False``. Raises ``Forbidden`` for
    anyone but a privacy officer and ``NotFound`` for an id that is not a member's.
    """
    _officer(officer)
    if not Member.objects.filter(user_id=member_id).exists():
        raise NotFound(gettext("No member has that account."))
    open_case = Shredding.objects.filter(member_id=member_id, shredded_at__isnull=True).first()
    if open_case is not None:
        return open_case, False
    try:
        with transaction.atomic():
            case = Shredding.objects.create(
                member_id=member_id,
                reason=Shredding.Reason.CHILD_UNDER_13,
                basis=Shredding.Basis(basis),
                decided_by_id=officer.pk,
            )
            User.objects.filter(pk=member_id).update(is_active=False)
            end_every_session(user_id=member_id)
            message = queue_account_closed_notice(
                member_id=member_id, parent_address=parent_email or None, actor_user_id=officer.pk
            )
            if message is not None:
                case.message_public_id = message.public_id
                case.save(update_fields=["message_public_id"])
            record_event(
                actor=officer,
                action="account.closed_for_shredding",
                subject_ref=f"shredding:{case.public_id}",
                details={"reason": case.reason, "basis": case.basis, "message": message is not None},
            )
            # After the outbox's own on-commit delivery, registered before this one.
            transaction.on_commit(lambda: shred_when_told(ids=[case.pk]))
    except IntegrityError:  # closed meanwhile by another officer: theirs stands
        return Shredding.objects.get(member_id=member_id, shredded_at__isnull=True), False
    return case, True


def shred_when_told(*, now: dt.datetime | None = None, ids: list[int] | None = None) -> int:
    """Shred every closed account whose message the outbox is done with, or that has waited
    ``WAIT_FOR_MESSAGE``. Safe to run from several workers. Returns how many were shredded."""
    now = now or timezone.now()
    waiting = Shredding.objects.filter(shredded_at__isnull=True)
    if ids is not None:
        waiting = waiting.filter(pk__in=ids)
    shredded = 0
    for case in waiting.order_by("decided_at"):
        status = _message_status(case)
        if status in (None, *_OUTBOX_DONE) or case.decided_at <= now - WAIT_FOR_MESSAGE:
            user = User.objects.filter(pk=case.member_id or 0).first()
            if user is not None:
                decided_by = User.objects.filter(pk=case.decided_by_id).first()
                shred_member(member=user, actor=decided_by, reason=case.reason)
                shredded += 1
    return shredded


def _message_status(case: Shredding) -> str | None:
    if case.message_public_id is None:
        return None
    return Message.objects.filter(public_id=case.message_public_id).values_list("status", flat=True).first() or ""


def shred_member(*, member: User, actor: Any, reason: str) -> Shredding:
    """Shred ``member`` for good (PI-3): afterwards nothing in the database names them or ties
    them to a visit, and nothing sealed of theirs can be opened. Runs in one transaction; the
    office's log gets one event naming the shredding, never the member.

    ``actor`` is whoever decided (an officer), or ``None`` for IndigoMed itself; ``reason`` a
    ``Shredding.Reason``. A second call, once shredded, raises ``NotFound`` and changes nothing.
    """
    reason = Shredding.Reason(reason)
    with transaction.atomic():
        locked = User.objects.select_for_update().filter(pk=member.pk).first()
        if locked is None:
            raise NotFound("No such account.")
        case = Shredding.objects.select_for_update().filter(member_id=member.pk, shredded_at__isnull=True).first()
        if case is None:
            if not Member.objects.filter(user_id=member.pk).exists():
                # Not a member, or one already shredded: there is nothing of theirs left to shred.
                raise NotFound(gettext("No member has that account."))
            case = Shredding.objects.create(
                member_id=member.pk, reason=reason, decided_by_id=getattr(actor, "pk", None) or 0
            )
        outcome = _message_status(case)
        member_id = member.pk
        pseudonym = new_pseudonym()
        visits = pseudonymize_visits(member_id=member_id, pseudonym_id=pseudonym.pk)
        forget_consents_and_care(member_id=member_id)
        forget_messages(member_id=member_id)
        WithholdingReview.objects.filter(member_id=member_id).delete()
        Withholding.objects.filter(member_id=member_id).delete()
        CopyGiven.objects.filter(member_id=member_id).delete()
        erase_member_records(member_id=member_id)
        pseudonymize_events(user_id=member_id)
        forget_account(user=locked)
        case.member_id = None
        case.shredded_at = timezone.now()
        case.message_outcome = outcome if outcome is not None else "none"
        case.save(update_fields=["member_id", "shredded_at", "message_outcome"])
        record_event(
            actor=actor if getattr(actor, "pk", None) != member_id else None,
            action="account.shredded",
            subject_ref=f"shredding:{case.public_id}",
            details={"reason": case.reason, "visits": visits},
        )
    return case
