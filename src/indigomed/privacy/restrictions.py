"""Restrictions, from the member's signed request to the office's decision and the member ending
one (RIGHT-RESTRICT). The decision point enforces accepted ones (``decisions.Block``).

A member names who must not receive among those they have a relation with: the practitioners and
facilities caring for them, the carriers of plans they booked with, or "my health plan" (whichever
carrier of theirs asks). The office decides, with a reason when it refuses; a restriction on
telling the health plan about care paid in full is accepted by the rule at once (HIPAA
164.522(a)(1)(vi)). The member is told of every decision through the outbox and may end an
accepted restriction at any time.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Conflict, Invalid, NotFound, PolicyError
from indigomed.messaging.rights import queue_rights_update
from indigomed.privacy.decisions import ANY_HEALTH_PLAN
from indigomed.privacy.models import Restriction
from indigomed.privacy.policy import current_policy
from indigomed.privacy.queries import restriction_recipients
from indigomed.privacy.signing import request_restriction
from indigomed.records.vault import Vault
from indigomed.security.services import record_event

# The recipient a restriction names for the member's health plan (their insurance carrier), and the
# purposes for which a plan receives: HIPAA 164.522(a)(1)(vi) binds the office only for these.
HEALTH_PLAN_REF = ANY_HEALTH_PLAN
HEALTH_PLAN_LABEL = "The member's health plan"
HEALTH_PLAN_PURPOSES = frozenset({"payment", "operations"})
PAID_IN_FULL_ONLY_FOR_HEALTH_PLAN = (
    "“Paid in full” applies only to keeping care you paid for yourself from your health plan: choose "
    "your health plan as who must not receive it and payment or health care operations as the uses, "
    "or untick “paid in full” and the privacy office will decide."
)
UNKNOWN_RECIPIENT = (
    "We do not know that recipient among the practitioners, facilities and insurers you have been "
    "cared by or insured with: choose one from the list."
)
REFUSAL_NEEDS_A_REASON = "Give the member the reason for refusing, in a sentence."
REASON_MAX = 1000


def is_health_plan_paid_in_full(*, recipient_ref: str, purposes: list[str] | frozenset[str]) -> bool:
    """Whether a restriction is one the office must accept when the care was paid in full:
    disclosure to the member's health plan, for payment or operations only (HIPAA 164.522(a)(1)(vi))."""
    return recipient_ref == HEALTH_PLAN_REF and bool(purposes) and set(purposes) <= HEALTH_PLAN_PURPOSES


def must_be_accepted(restriction: Restriction) -> bool:
    """A paid-in-full restriction toward a health plan; any other stays the office's decision."""
    return restriction.paid_in_full and is_health_plan_paid_in_full(
        recipient_ref=restriction.recipient_ref, purposes=restriction.purposes
    )


def recipient_choices(member_id: int) -> list[tuple[str, str]]:
    """(ref, label) of everyone a member may name as who must not receive: "my health plan", then
    the practitioners, facilities and carriers they have a relation with."""
    return [(HEALTH_PLAN_REF, "My health plan"), *restriction_recipients(member_id)]


def _told(restriction: Restriction, kind: str, actor_user_id: int | None, *, by_rule: bool = False) -> None:
    queue_rights_update(
        member_id=restriction.member_id,
        kind=kind,
        about_ref=f"restriction:{restriction.public_id}",
        link=reverse("my_privacy"),
        actor_user_id=actor_user_id,
        by_rule=by_rule,
    )


def accepted_by_rule(*, paid_in_full: bool, recipient_ref: str, purposes: list[str]) -> bool:
    """Whether the law accepts this restriction at filing: care paid in full, kept from the health
    plan for payment or operations. There is nothing for the desk to decide, so it is no request."""
    return paid_in_full and is_health_plan_paid_in_full(recipient_ref=recipient_ref, purposes=purposes)


def check_restriction(
    *, actor: User, categories: list[str], purposes: list[str], limits: str, recipient_ref: str, paid_in_full: bool
) -> str:
    """What a member's restriction would say, checked before anything is filed; returns how the
    recipient it names is labelled.

    ``Invalid`` (on its field) when the recipient named is not one the member has a relation with
    (``recipient_choices``), when "paid in full" is ticked on any other restriction than one
    toward the health plan (the member learns it would not bind the office, rather than believing
    it does), or for a second identical request while the first waits or binds.
    """
    # The policy's own words only: anything else would be a restriction nothing could match.
    policy = current_policy()
    try:
        policy.check_categories(categories)
    except PolicyError as exc:
        raise Invalid(exc.message, field="categories") from None
    for name in purposes:
        try:
            policy.purpose(name)
        except PolicyError as exc:
            raise Invalid(exc.message, field="purposes") from None
    labels = dict(recipient_choices(actor.pk))
    if recipient_ref and recipient_ref not in labels:
        raise Invalid(UNKNOWN_RECIPIENT, field="recipient")
    if paid_in_full and not is_health_plan_paid_in_full(recipient_ref=recipient_ref, purposes=purposes):
        raise Invalid(PAID_IN_FULL_ONLY_FOR_HEALTH_PLAN, field="paid_in_full")
    if Restriction.objects.filter(
        member=actor,
        status__in=[Restriction.Status.REQUESTED, Restriction.Status.ACCEPTED],
        categories=sorted(set(categories)),
        purposes=sorted(set(purposes)),
        limits=limits,
        recipient_ref=recipient_ref,
    ).exists():
        raise Invalid(gettext("You already asked for this restriction; it is listed below with its status."))
    return HEALTH_PLAN_LABEL if recipient_ref == HEALTH_PLAN_REF else labels.get(recipient_ref, "")


def file_restriction(
    *,
    actor: User,
    categories: list[str],
    purposes: list[str],
    signed_name: str,
    explicit_consent: bool,
    limits: str = Restriction.Limits.BOTH,
    recipient_ref: str = "",
    paid_in_full: bool = False,
    request_public_id: uuid.UUID | None = None,
    signed_at: dt.datetime | None = None,
) -> Restriction:
    """A member's signed restriction (RIGHT-RESTRICT). One the law accepts at once
    (``accepted_by_rule``) binds from filing and the member is told; any other waits for the
    office as a request on the desk (``request_public_id``, filed in the same transaction by
    ``rights.restriction``), which tells the member.

    Raises as ``check_restriction`` and the engine (``request_restriction``: signature, consent)
    do, and ``Invalid`` for a restriction the office must decide that comes without its request.
    Nothing is stored when refused. ``signed_at``: the date on a letter the office entered.
    """
    recipient_label = check_restriction(
        actor=actor,
        categories=categories,
        purposes=purposes,
        limits=limits,
        recipient_ref=recipient_ref,
        paid_in_full=paid_in_full,
    )
    by_rule = accepted_by_rule(paid_in_full=paid_in_full, recipient_ref=recipient_ref, purposes=purposes)
    if not by_rule and request_public_id is None:
        raise Invalid(
            gettext("A restriction the office decides is a request on the desk: file it from your privacy page.")
        )
    with transaction.atomic():
        restriction = request_restriction(
            actor=actor,
            categories=categories,
            purposes=purposes,
            limits=limits,
            recipient_ref=recipient_ref,
            recipient_label=recipient_label,
            paid_in_full=paid_in_full,
            signed_name=signed_name,
            explicit_consent=explicit_consent,
            request_public_id=None if by_rule else request_public_id,
            signed_at=signed_at,
        )
        if by_rule:
            # Nobody decided: the rule did, so ``decided_by`` stays empty.
            restriction.status = Restriction.Status.ACCEPTED
            restriction.decided_at = timezone.now()
            restriction.save(update_fields=["status", "decided_at"])
            record_event(
                actor=None,
                action="restriction.decided",
                member_id=actor.pk,
                subject_ref=f"restriction:{restriction.public_id}",
                details={"status": restriction.status, "by_rule": "paid-in-full"},
            )
            _told(restriction, "restriction-accepted", None, by_rule=True)
    return restriction


def decide_restriction(
    *, officer: User, public_id: str, accept: bool, reason: str = "", for_request: uuid.UUID | None = None
) -> Restriction:
    """The privacy office accepts or refuses; from acceptance on, every matching decision is a
    denial. A refusal carries its reason, sealed under the member's key. A restriction filed on
    the desk is decided as its request is answered (``for_request``), and the desk's answer tells
    the member; one filed before the desk is decided here alone, and the member is told through
    the outbox (the message says which; the reason waits on their privacy page).

    A restriction on telling a health plan about care paid in full must be accepted (HIPAA
    164.522(a)(1)(vi)); refusing one raises ``Invalid``, and so does a refusal without a reason or
    a second decision. ``NotFound`` for anyone but the office and for an unknown restriction.
    """
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("We could not find that restriction."))
    restriction = Restriction.objects.filter(public_id=public_id).first()
    if restriction is None:
        raise NotFound(gettext("We could not find that restriction."))
    if restriction.request_public_id != for_request:
        raise Conflict(gettext("This restriction is a request on the desk: answer it there."))
    if not accept:
        check_refusal(restriction=restriction, reason=reason)
    if restriction.status != Restriction.Status.REQUESTED:
        raise Invalid(gettext("This restriction was already decided."))
    reason = reason.strip() if not accept else ""
    status = Restriction.Status.ACCEPTED if accept else Restriction.Status.REFUSED
    sealed = None if accept else Vault.open_for(restriction.member_id).seal(Restriction, "refusal_reason", reason)
    with transaction.atomic():
        changed = Restriction.objects.filter(pk=restriction.pk, status=Restriction.Status.REQUESTED).update(
            status=status, decided_at=timezone.now(), decided_by=officer, refusal_reason=sealed
        )
        if not changed:
            raise Invalid(gettext("This restriction was already decided."))
        record_event(
            actor=officer,
            action="restriction.decided",
            member_id=restriction.member_id,
            subject_ref=f"restriction:{restriction.public_id}",
            details={"status": status.value},
        )
        if for_request is None:
            _told(restriction, "restriction-accepted" if accept else "restriction-refused", officer.pk)
    restriction.refresh_from_db()
    return restriction


def check_refusal(*, restriction: Restriction, reason: str) -> None:
    """A refusal the law allows, with a reason the member can read; ``Invalid`` otherwise (a
    restriction already decided, one the law says must be accepted, a missing or overlong reason)."""
    if restriction.status != Restriction.Status.REQUESTED:
        raise Invalid(gettext("This restriction was already decided."))
    if must_be_accepted(restriction):
        raise Invalid(gettext("A restriction on telling a health plan about care paid in full must be accepted."))
    reason = reason.strip()
    if len(reason.split()) < 3:
        raise Invalid(REFUSAL_NEEDS_A_REASON, field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(
            gettext("Keep the reason under %(reason_max)s characters.") % {"reason_max": REASON_MAX}, field="reason"
        )


def end_restriction(*, actor: User, public_id: str) -> Restriction:
    """The member ends an accepted restriction: from now on it binds nobody (decisions already made
    stay as they were). Ending one twice changes nothing more.

    ``NotFound`` for a restriction that is not the member's; ``Invalid`` for one the office has not
    accepted (a request waiting for its answer, or a refused one).
    """
    restriction = Restriction.objects.filter(member=actor, public_id=public_id).first()
    if restriction is None:
        raise NotFound(gettext("We could not find that restriction."))
    if restriction.status == Restriction.Status.REFUSED:
        raise Invalid(gettext("The privacy office refused this restriction: there is nothing to end."))
    if restriction.status == Restriction.Status.REQUESTED:
        raise Invalid(gettext("The privacy office has not answered this request yet; you can end it once accepted."))
    with transaction.atomic():
        ended = Restriction.objects.filter(pk=restriction.pk, status=Restriction.Status.ACCEPTED).update(
            status=Restriction.Status.ENDED, ended_at=timezone.now()
        )
        if ended:
            record_event(
                actor=actor,
                action="restriction.ended",
                member_id=actor.pk,
                subject_ref=f"restriction:{restriction.public_id}",
            )
    restriction.refresh_from_db()
    return restriction


def refusal_reasons(restrictions: list[Restriction]) -> dict[int, str]:
    """The office's reasons for the refused ones among a member's restrictions, opened."""
    refused = [r for r in restrictions if r.refusal_reason is not None]
    vaults = Vault.open_many(r.member_id for r in refused)
    found = {}
    for r in refused:
        vault = vaults.get(r.member_id)
        if vault is not None:
            found[r.pk] = vault.open(Restriction, "refusal_reason", r.refusal_reason) or ""
    return found
