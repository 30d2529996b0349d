"""The one door to a member's information (USE-3), the member's own reads of it, their care
relationships, and the privacy office's recorded decisions.

``disclose`` is the only way for a provider, staff member, partner, export or message to
read a member's information: it decides every item in one batch, logs every decision, and
writes each permitted disclosure to the ledger in the caller's transaction, so the read and
its record commit or fail together. What the member signs (authorizations, restriction
requests) is ``privacy.signing``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Invalid, NotFound
from indigomed.precompiled import Insert
from indigomed.privacy import ledger, sealed
from indigomed.privacy.decisions import Decision, PartnerScope, Recipient, decide, rule_for_the_record
from indigomed.privacy.models import BusinessPartner, CareRelationship, OfficeDecision
from indigomed.privacy.policy import current_policy
from indigomed.privacy.queries import authorizations_of
from indigomed.privacy.subjects import load_subjects, load_subjects_and_vaults
from indigomed.records.amendments import disputes_of, versioned
from indigomed.records.queries import (
    Booked,
    Profile,
    VisitHistoryItem,
    booking_details,
    profile_of,
    visit_history_for,
)
from indigomed.records.vault import Vault
from indigomed.security.services import Access, log_accesses, own_read


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of a member's information someone asks for: which categories, which tags, a reference.

    ``version`` says which state of the item this is (for a calendar row, what its reason, plan and
    name read; for a record, its revision): a referenced item reaches a recipient once per version
    and purpose, and only that first time is a ledger entry (LEDGER-1). It is kept nowhere but in a
    keyed fingerprint. An item without a reference is ledgered every time it is disclosed.
    """

    member_id: int
    categories: frozenset[str]
    tags: frozenset[str] = field(default_factory=frozenset)
    ref: str = ""
    version: str = ""


# What one ledger entry covers: member, rule, accounted, authorization, legal demand, basis.
_Group = tuple[int, str, bool, int | None, int | None, str]


def disclose(
    *,
    actor_user_id: int | None,
    recipient: Recipient,
    purpose: str,
    items: Sequence[Item],
    legal_demand_id: int | None = None,
    at: dt.datetime | None = None,
) -> list[Decision]:
    """Decide each item; log every decision; ledger the permitted ones (not a member's own reads)
    that this recipient has not yet received in this version for this purpose.

    Returns one decision per item, in order: the caller shows only the allowed items, and
    counts only them. Raises ``PolicyError`` for an unknown purpose, category, tag or kind of
    recipient, before anything is written.
    """
    at = at or timezone.now()
    policy = current_policy()
    bindings = policy.purpose(purpose).receive.values()
    subjects, vaults = load_subjects_and_vaults((item.member_id for item in items), bindings)
    partner = partner_scope(recipient.ref) if recipient.kind == "partner" else None
    decisions = [
        decide(policy, subjects[item.member_id], recipient, purpose, item.categories, item.tags, at, partner)
        for item in items
    ]
    permitted: dict[_Group, list[Item]] = defaultdict(list)
    for item, decision in zip(items, decisions, strict=True):
        if decision.allowed and decision.rule != "self":
            demand = decision.legal_demand_id or legal_demand_id
            key = (
                item.member_id,
                decision.rule,
                decision.in_accounting,
                decision.authorization_id,
                demand,
                decision.basis,
            )
            permitted[key].append(item)
    with transaction.atomic():
        permitted = _first_disclosures(permitted, recipient, purpose, at)
        log_accesses(
            Access(
                member_id=item.member_id,
                actor_user_id=actor_user_id,
                recipient_ref=recipient.ref,
                recipient_label=recipient.label,
                purpose=purpose,
                categories=",".join(sorted(item.categories)),
                allowed=decision.allowed,
                rule=rule_for_the_record(decision.rule, policy),
            )
            for item, decision in zip(items, decisions, strict=True)
        )
        for (member_id, rule, in_accounting, authorization_id, demand, basis), group in permitted.items():
            ledger.append(
                ledger.Entry(
                    member_id=member_id,
                    recipient_kind=recipient.kind,
                    recipient_ref=recipient.ref,
                    recipient_label=recipient.label,
                    purpose=purpose,
                    categories=",".join(sorted(set().union(*(i.categories for i in group)))),
                    tags=sealed.seal_disclosed_tags(vaults.get(member_id), set().union(*(i.tags for i in group))),
                    legal_basis=basis,
                    rule=rule,
                    in_accounting=in_accounting,
                    authorization_id=authorization_id,
                    legal_demand_id=demand,
                    subject_refs=",".join(i.ref for i in group if i.ref),
                    policy_version=policy.version,
                ),
                occurred_at=at,
            )
    return decisions


def _first_disclosures(
    permitted: dict[_Group, list[Item]], recipient: Recipient, purpose: str, at: dt.datetime
) -> dict[_Group, list[Item]]:
    """The permitted items that reach this recipient for the first time in this version and purpose:
    the others were ledgered when they first did, and this look is an access-log row only."""
    secret = ledger.fingerprint_key()
    prints = {
        id(item): ledger.fingerprint(
            secret, item.member_id, recipient.ref, purpose, ",".join(sorted(item.categories)), item.ref, item.version
        )
        for group in permitted.values()
        for item in group
        if item.ref
    }
    if not prints:
        return permitted
    items = {id(item): item for group in permitted.values() for item in group}
    new = ledger.claim_first_disclosures([(items[key].member_id, p) for key, p in prints.items()], at)
    first: dict[_Group, list[Item]] = {}
    for key, group in permitted.items():
        # Two items of one call with one fingerprint are one disclosure: the first carries it.
        kept = []
        for item in group:
            print_ = prints.get(id(item))
            if print_ is None:
                kept.append(item)
            elif (item.member_id, print_) in new:
                new.discard((item.member_id, print_))
                kept.append(item)
        if kept:
            first[key] = kept
    return first


# --- Office decisions: safety, claims, enforcing the terms -------------------------------------------


def record_office_decision(
    *,
    officer: User,
    member_id: int,
    purpose: str,
    recipient: Recipient,
    categories: list[str],
    reason: str,
) -> OfficeDecision:
    """The privacy office records, with its reasons, that one recipient may receive some of one
    member's information for a purpose the policy binds to such a decision (safety, claims,
    enforcing the terms). Nothing is disclosed by recording it; what ``disclose`` then releases
    under it is a ledger entry the member's accounting lists.

    Raises ``NotFound`` for anyone but the privacy office, ``PolicyError`` for an unknown purpose,
    kind or category, and ``Invalid`` when the purpose does not go by office decisions for that kind
    of recipient, or no reason is given.
    """
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("Only the privacy office records these decisions."))
    policy = current_policy()
    chosen = policy.purpose(purpose)
    policy.check_recipient_kind(recipient.kind)
    policy.check_categories(categories)
    if not categories:
        raise Invalid(gettext("Say which information the decision lets out."))
    if chosen.receive.get(recipient.kind) != "office_decision":
        raise Invalid(
            gettext("%(label)s: the privacy office cannot decide a disclosure to this kind of recipient.")
            % {"label": chosen.label}
        )
    if len(reason.split()) < 3:
        raise Invalid(gettext("Give the reasons for the decision."))
    return OfficeDecision.objects.create(
        member_id=member_id,
        purpose=purpose,
        recipient_ref=recipient.ref,
        recipient_label=recipient.label,
        categories=sorted(set(categories)),
        reason=Vault.open_for(member_id).seal(OfficeDecision, "reason", reason.strip()),
        decided_by_id=officer.pk,
    )


# --- Business partners (USE-6) --------------------------------------------------------------------


def partner_scope(recipient_ref: str) -> PartnerScope | None:
    """The agreement scope of an active registered partner, or ``None``."""
    row = (
        BusinessPartner.objects.filter(slug=recipient_ref.removeprefix("partner:"), active=True)
        .values_list("purposes", "categories")
        .first()
    )
    return PartnerScope(frozenset(row[0]), frozenset(row[1])) if row else None


# --- The member's own reads (SEC-2: logged too) -------------------------------------------------


def _log_own_read(actor: User, categories: str) -> None:
    # A guardian acting for their dependent (CHILD-3) is the one who reads, and is named apart.
    log_accesses(
        [own_read(member_id=actor.pk, acting_user_id=getattr(actor, "acting_user_id", None), categories=categories)]
    )


def own_visit_history(*, actor: User) -> list[VisitHistoryItem]:
    """The member's completed visits, for their own page; the read is logged like any other."""
    _log_own_read(actor, "medical")
    return visit_history_for(actor.pk)


def own_authorizations(*, actor: User) -> list[sealed.SignedAuthorization]:
    """The member's authorizations with their words, signature and sensitive kinds, opened (and logged)."""
    _log_own_read(actor, "medical")
    return sealed.opened(list(authorizations_of(actor.pk)))


def own_profile(*, actor: User) -> Profile:
    """The member's contact, demographic and insurance data, opened for them (and logged)."""
    _log_own_read(actor, "contact,demographic,insurance")
    return profile_of(actor.pk)


def own_booking_details(*, actor: Any, appointments: Sequence[Any]) -> dict[Any, Booked]:
    """Why and how the member booked these appointments of theirs (their own read, logged)."""
    mine = {a.public_id: actor.pk for a in appointments if a.member_id == actor.pk}
    if mine:
        _log_own_read(actor, "medical,insurance")
    return booking_details(mine)


def disclose_visit_history(
    *, actor_user_id: int | None, recipient: Recipient, purpose: str, member_id: int
) -> list[VisitHistoryItem]:
    """The member's completed visits this recipient may receive, each decided on its own reason's
    sensitivity tags (PI-2): a visit whose kind needs a consent the member did not give is left out,
    and so is its count."""
    history = visit_history_for(member_id)
    if not history:
        return []
    # A statement of disagreement about a visit's reason goes with the visit (RIGHT-AMEND).
    disputes = disputes_of((member_id, f"{visit.ref}:reason") for visit in history)
    history = [replace(v, disputes=tuple(disputes.get((member_id, f"{v.ref}:reason"), ()))) for v in history]
    items = [
        Item(member_id, frozenset({"medical"}), frozenset(v.tags), v.ref, versioned("", v.disputes)) for v in history
    ]
    decisions = disclose(actor_user_id=actor_user_id, recipient=recipient, purpose=purpose, items=items)
    return [visit for visit, decision in zip(history, decisions, strict=True) if decision.allowed]


def consent_needed_for(*, member_id: int, tags: Sequence[str]) -> list[str]:
    """Labels of the sensitive tags a practitioner may see only with the member's consent, where they live."""
    policy = current_policy()
    jurisdiction = policy.jurisdiction(load_subjects([member_id])[member_id].jurisdiction)
    needed = set(tags) & (jurisdiction.consent_tags | jurisdiction.authorization_tags)
    return [policy.tags[tag] for tag in sorted(needed)]


# --- Care relationships (USE-5, BOOK-5) ----------------------------------------------------------


# Written by every booking: compiled once.
_CARE_RELATIONSHIPS = Insert(CareRelationship)


def record_care_relationship(*, member_id: int, recipient_refs: Sequence[str], source_ref: str) -> None:
    """A booking or referral makes these practitioners and facilities part of the member's care."""
    _CARE_RELATIONSHIPS.save_many(
        [CareRelationship(member_id=member_id, recipient_ref=ref, source_ref=source_ref) for ref in recipient_refs],
        ignore_conflicts=True,
    )
