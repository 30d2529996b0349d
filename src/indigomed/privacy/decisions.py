"""The decision itself (USE-3): a pure function of the compiled policy and what is known of the member.

No database here: ``privacy.services`` loads a ``Subject`` (authorizations, accepted
restrictions, care relationships, jurisdiction) once per member and asks this module about
each item. Deny by default; every answer names the rule that made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from indigomed.privacy.errors import PolicyError
from indigomed.privacy.policy import Policy


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who receives: ``kind`` is practitioner, facility, partner, person, legal, export or member."""

    kind: str
    ref: str
    label: str


@dataclass(frozen=True, slots=True)
class Grant:
    """An authorization or consent as the decision sees it."""

    id: int
    recipient_ref: str  # "*" for anyone the member named in words
    purposes: frozenset[str]
    categories: frozenset[str]
    tags: frozenset[str]
    signed_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None

    def live(self, at: dt.datetime) -> bool:
        return self.signed_at <= at < self.expires_at and (self.revoked_at is None or at < self.revoked_at)


@dataclass(frozen=True, slots=True)
class Block:
    """An accepted restriction: empty sets mean every category or every purpose."""

    id: int
    categories: frozenset[str]
    purposes: frozenset[str]
    recipient_ref: str  # "" for anyone


@dataclass(frozen=True, slots=True)
class PartnerScope:
    """What a registered business partner's agreement lets it receive."""

    purposes: frozenset[str]
    categories: frozenset[str]


@dataclass(frozen=True)
class Subject:
    member_id: int
    jurisdiction: str
    grants: tuple[Grant, ...] = ()
    blocks: tuple[Block, ...] = ()
    care_team: frozenset[str] = frozenset()
    told_of_transfer_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    rule: str
    reason: str
    basis: str = ""
    in_accounting: bool = False
    authorization_id: int | None = None


# Purposes that only someone caring for the member may receive for.
PROTECTED_KIND = "Information of a specially protected kind"


def rule_for_the_record(rule: str, policy: Policy) -> str:
    """A decision's rule as the access log keeps it: a rule naming a sensitive tag keeps its kind
    and jurisdiction but not the tag, because a stored tag next to a member would reveal it."""
    kind, _, rest = rule.partition(":")
    if kind not in ("authorization-required", "consent-required"):
        return rule
    name, at, jurisdiction = rest.partition("@")
    if name in policy.tags:
        return f"{kind}:sensitive{at}{jurisdiction}"
    return rule


CARE_PURPOSES = frozenset({"treatment"})


def decide(
    policy: Policy,
    subject: Subject,
    recipient: Recipient,
    purpose_name: str,
    categories: frozenset[str],
    tags: frozenset[str],
    at: dt.datetime,
    partner: PartnerScope | None = None,
) -> Decision:
    """May ``recipient`` receive these categories (with these sensitive tags) about the subject?

    A recipient of kind ``partner`` receives only within its registered agreement (``partner``).

    Raises ``PolicyError`` for a purpose, category or tag the policy does not know.
    """
    purpose = policy.purpose(purpose_name)
    if not categories:
        raise PolicyError("Name at least one category of information.")
    policy.check_categories(categories)
    if tags:
        policy.check_tags(tags)

    if purpose.forbidden:
        return Decision(False, f"never:{purpose.name}", f"{purpose.label}: IndigoMed never does this.", purpose.basis)
    if recipient.kind == "partner" and (
        partner is None or purpose.name not in partner.purposes or not categories <= partner.categories
    ):
        return Decision(
            False, "partner-out-of-scope", "A business partner receives only what its agreement covers.", purpose.basis
        )
    if recipient.kind == "member" and recipient.ref == f"member:{subject.member_id}":
        return Decision(True, "self", "Members read their own information.", "the member's own right of access")

    for block in subject.blocks:
        if (
            (not block.categories or block.categories & categories)
            and (not block.purposes or purpose.name in block.purposes)
            and (not block.recipient_ref or block.recipient_ref == recipient.ref)
        ):
            return Decision(False, f"restriction:{block.id}", "The member restricted this use or disclosure.")

    if purpose.name == "merger" and (subject.told_of_transfer_at is None or subject.told_of_transfer_at > at):
        return Decision(False, "transfer-not-announced", "Members are told before a transfer in a merger (USE-7).")
    if purpose.name in CARE_PURPOSES and recipient.ref not in subject.care_team:
        return Decision(
            False, "no-care-relationship", "Only practitioners the member booked or was referred to may see this."
        )

    jurisdiction = policy.jurisdiction(subject.jurisdiction)
    needed: list[tuple[str, str]] = []  # (rule, reason) of each authorization or consent needed
    if purpose.authorization:
        needed.append(
            (f"authorization-required:{purpose.name}", f"{purpose.label} needs the member's written authorization.")
        )
    # The reasons go to whoever asked, so they never say which protected kind is at stake: that
    # a member has, say, an HIV result is what the consent protects. The rule names it for the caller.
    for tag in sorted(tags & jurisdiction.authorization_tags):
        needed.append((f"authorization-required:{tag}", f"{PROTECTED_KIND} needs the member's written authorization."))
    for tag in sorted(tags & jurisdiction.consent_tags):
        needed.append(
            (
                f"consent-required:{tag}@{jurisdiction.code}",
                f"{PROTECTED_KIND}: {jurisdiction.label} law requires the member's consent.",
            )
        )
    if purpose.name in jurisdiction.consent_purposes:
        needed.append(
            (
                f"consent-required:{purpose.name}@{jurisdiction.code}",
                f"{purpose.label}: {jurisdiction.label} law requires the member's consent.",
            )
        )
    if not needed:
        return Decision(True, f"purpose:{purpose.name}", purpose.label, purpose.basis, purpose.accounting)

    sensitive = tags & (jurisdiction.consent_tags | jurisdiction.authorization_tags)
    for grant in subject.grants:
        if (
            grant.live(at)
            and (grant.recipient_ref in ("*", recipient.ref))
            and purpose.name in grant.purposes
            and categories <= grant.categories
            and sensitive <= grant.tags
        ):
            return Decision(
                True, f"authorization:{grant.id}", "The member authorized it.", purpose.basis, False, grant.id
            )
    rule, reason = needed[0]
    return Decision(False, rule, reason, purpose.basis)
