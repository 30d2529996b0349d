"""The one door to a member's information (USE-3), and the member's authorizations and restrictions.

``disclose`` is the only way for a provider, staff member, partner, export or message to
read a member's information: it decides every item in one batch, logs every decision, and
writes each permitted disclosure to the ledger in the caller's transaction, so the read and
its record commit or fail together.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from indigomed.accounts.models import User
from indigomed.errors import Invalid, NotFound
from indigomed.privacy import ledger, sealed
from indigomed.privacy.decisions import Decision, PartnerScope, Recipient, decide, rule_for_the_record
from indigomed.privacy.models import Authorization, BusinessPartner, CareRelationship, Restriction
from indigomed.privacy.policy import current_policy
from indigomed.privacy.queries import authorizations_of
from indigomed.privacy.subjects import load_subjects, load_subjects_and_vaults
from indigomed.records.queries import (
    Booked,
    Profile,
    VisitHistoryItem,
    booking_details,
    names_of,
    profile_of,
    visit_history_for,
)
from indigomed.security.services import Access, log_accesses, record_event


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of a member's information someone asks for: which categories, which tags, a reference."""

    member_id: int
    categories: frozenset[str]
    tags: frozenset[str] = field(default_factory=frozenset)
    ref: str = ""


def disclose(
    *,
    actor_user_id: int | None,
    recipient: Recipient,
    purpose: str,
    items: Sequence[Item],
    legal_demand_id: int | None = None,
    at: dt.datetime | None = None,
) -> list[Decision]:
    """Decide each item; log every decision; ledger the permitted ones (not a member's own reads).

    Returns one decision per item, in order: the caller shows only the allowed items, and
    counts only them. Raises ``PolicyError`` for an unknown purpose, category or tag, before
    anything is written.
    """
    at = at or timezone.now()
    policy = current_policy()
    subjects, vaults = load_subjects_and_vaults(item.member_id for item in items)
    partner = partner_scope(recipient.ref) if recipient.kind == "partner" else None
    decisions = [
        decide(policy, subjects[item.member_id], recipient, purpose, item.categories, item.tags, at, partner)
        for item in items
    ]
    permitted: dict[tuple[int, str, bool, int | None, str], list[Item]] = defaultdict(list)
    for item, decision in zip(items, decisions, strict=True):
        if decision.allowed and decision.rule != "self":
            key = (item.member_id, decision.rule, decision.in_accounting, decision.authorization_id, decision.basis)
            permitted[key].append(item)
    with transaction.atomic():
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
        for (member_id, rule, in_accounting, authorization_id, basis), group in permitted.items():
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
                    legal_demand_id=legal_demand_id,
                    subject_refs=",".join(i.ref for i in group if i.ref),
                    policy_version=policy.version,
                ),
                occurred_at=at,
            )
    return decisions


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
    log_accesses(
        [
            Access(
                member_id=actor.pk,
                actor_user_id=actor.pk,
                recipient_ref=f"member:{actor.pk}",
                recipient_label="You",
                purpose="own access",
                categories=categories,
                allowed=True,
                rule="self",
            )
        ]
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


def disclose_names(
    *, actor_user_id: int | None, recipient: Recipient, purpose: str, items: Sequence[Item]
) -> tuple[list[Decision], dict[int, str]]:
    """Decide, read and ledger members' names in one go: the decisions, and the names allowed."""
    decisions = disclose(actor_user_id=actor_user_id, recipient=recipient, purpose=purpose, items=items)
    allowed = sorted({item.member_id for item, d in zip(items, decisions, strict=True) if d.allowed})
    return decisions, names_of(allowed)


def own_booking_details(*, actor: Any, appointments: Sequence[Any]) -> dict[Any, Booked]:
    """Why and how the member booked these appointments of theirs (their own read, logged)."""
    mine = {a.public_id: actor.pk for a in appointments if a.member_id == actor.pk}
    if mine:
        _log_own_read(actor, "medical,insurance")
    return booking_details(mine)


@dataclass
class CareView:
    """What a practice may see of one appointment's patient; ``withheld`` says what it may not, and why."""

    name: str | None = None
    reason: str | None = None
    insurance: str | None = None
    withheld: list[str] = field(default_factory=list)


_LABELS = {"contact": "Name", "medical": "Reason", "insurance": "Insurance"}


def disclose_for_care(
    *, actor_user_id: int | None, recipient: Recipient, appointments: Sequence[tuple[int, Any]]
) -> dict[Any, CareView]:
    """What treatment needs of each (member, appointment id): name, reason, insurance, each decided.

    The reason's sensitivity tags are read from the sealed booking details before deciding, so a
    missing consent or a restriction withholds exactly what it must.
    """
    booked = booking_details({public_id: member_id for member_id, public_id in appointments})
    asked: list[tuple[Any, str]] = []
    items: list[Item] = []
    for member_id, public_id in appointments:
        details = booked.get(public_id)
        ref = f"appointment:{public_id}"
        wanted = [("contact", frozenset[str]())]
        if details is not None:
            wanted.append(("medical", frozenset(details.tags)))
            if details.plan_slug:
                wanted.append(("insurance", frozenset()))
        for category, tags in wanted:
            items.append(Item(member_id, frozenset({category}), tags, ref))
            asked.append((public_id, category))
    decisions, names = disclose_names(
        actor_user_id=actor_user_id, recipient=recipient, purpose="treatment", items=items
    )
    views: dict[Any, CareView] = {public_id: CareView() for _, public_id in appointments}
    for (public_id, category), item, decision in zip(asked, items, decisions, strict=True):
        view = views[public_id]
        if not decision.allowed:
            view.withheld.append(f"{_LABELS[category]}: {decision.reason}")
        elif category == "contact":
            view.name = names.get(item.member_id, "Name not given")
        elif category == "medical":
            view.reason = booked[public_id].reason_name
        else:
            view.insurance = booked[public_id].plan_name
    return views


def consent_needed_for(*, member_id: int, tags: Sequence[str]) -> list[str]:
    """Labels of the sensitive tags a practitioner may see only with the member's consent, where they live."""
    policy = current_policy()
    jurisdiction = policy.jurisdiction(load_subjects([member_id])[member_id].jurisdiction)
    needed = set(tags) & (jurisdiction.consent_tags | jurisdiction.authorization_tags)
    return [policy.tags[tag] for tag in sorted(needed)]


# --- Care relationships (USE-5, BOOK-5) ----------------------------------------------------------


def record_care_relationship(*, member_id: int, recipient_refs: Sequence[str], source_ref: str) -> None:
    """A booking or referral makes these practitioners and facilities part of the member's care."""
    CareRelationship.objects.bulk_create(
        [CareRelationship(member_id=member_id, recipient_ref=ref, source_ref=source_ref) for ref in recipient_refs],
        ignore_conflicts=True,
    )


# --- Authorizations (USE-4) ----------------------------------------------------------------------


def sign_authorization(
    *,
    actor: User,
    recipient_ref: str,
    recipient_label: str,
    purposes: list[str],
    categories: list[str],
    tags: list[str],
    information: str,
    signed_name: str,
    explicit_consent: bool,
    expires_at: dt.datetime,
) -> Authorization:
    """The member signs an authorization: typed full name, date, explicit consent, what, to whom, why, until when.

    Raises ``PolicyError`` for an unknown purpose, category or tag and ``Invalid`` for a
    missing signature or consent, an expiry in the past, or a purpose never allowed.
    """
    policy = current_policy()
    if not purposes or not categories:
        raise Invalid("Say which purposes and which information the authorization covers.")
    for name in purposes:
        if policy.purpose(name).forbidden:
            raise Invalid(f"{policy.purpose(name).label}: IndigoMed never does this, even with an authorization.")
    policy.check_categories(categories)
    policy.check_tags(tags)
    if not explicit_consent:
        raise Invalid("Tick the box that says you agree, or do not sign.")
    if len(signed_name.split()) < 2:
        raise Invalid("Type your full name as your signature.")
    now = timezone.now()
    if expires_at <= now:
        raise Invalid("The authorization must end in the future.")
    if not recipient_ref or not recipient_label.strip():
        raise Invalid("Say who may receive the information.")
    with transaction.atomic():
        authorization = Authorization.objects.create(
            member=actor,
            recipient_ref=recipient_ref,
            recipient_label=recipient_label.strip(),
            purposes=sorted(set(purposes)),
            categories=sorted(set(categories)),
            **sealed.seal(
                member_id=actor.pk, tags=tags, information=information.strip(), signed_name=signed_name.strip()
            ),
            signed_at=now,
            explicit_consent=True,
            expires_at=expires_at,
        )
        # The sensitive kinds it covers stay sealed: the event names only the authorization.
        record_event(
            actor=actor,
            action="authorization.signed",
            member_id=actor.pk,
            subject_ref=f"authorization:{authorization.public_id}",
        )
    return authorization


def revoke_authorization(*, actor: User, public_id: str) -> Authorization:
    """Revoke from now on; disclosures already made stay in the ledger (USE-4)."""
    authorization = Authorization.objects.filter(member=actor, public_id=public_id).first()
    if authorization is None:
        raise NotFound("We could not find that authorization.")
    with transaction.atomic():
        revoked = Authorization.objects.filter(pk=authorization.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            record_event(
                actor=actor,
                action="authorization.revoked",
                member_id=actor.pk,
                subject_ref=f"authorization:{authorization.public_id}",
            )
    authorization.refresh_from_db(fields=["revoked_at"])
    return authorization


# --- Restrictions (RIGHT-RESTRICT engine) --------------------------------------------------------


def request_restriction(
    *,
    actor: User,
    categories: list[str],
    purposes: list[str],
    recipient_ref: str = "",
    recipient_label: str = "",
    paid_in_full: bool = False,
) -> Restriction:
    """The member asks that some information not be used or disclosed (for some purposes, to someone)."""
    policy = current_policy()
    policy.check_categories(categories)
    for name in purposes:
        policy.purpose(name)
    with transaction.atomic():
        restriction = Restriction.objects.create(
            member=actor,
            categories=sorted(set(categories)),
            purposes=sorted(set(purposes)),
            recipient_ref=recipient_ref,
            recipient_label=recipient_label,
            paid_in_full=paid_in_full,
        )
        record_event(
            actor=actor,
            action="restriction.requested",
            member_id=actor.pk,
            subject_ref=f"restriction:{restriction.public_id}",
        )
    return restriction
