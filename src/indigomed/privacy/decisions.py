"""The decision itself (USE-3): a pure function of the compiled policy and what is known of the member.

No database here: ``privacy.services`` loads a ``Subject`` (authorizations, accepted
restrictions, care relationships, jurisdiction, and what binds other recipients: legal demands,
office decisions, insurance carriers, announced transfers) once per member and asks this module
about each item. Deny by default, for every recipient: the policy file says which kinds of
recipient each purpose grants and what must bind them. Every answer names the rule that made it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

from indigomed.privacy.errors import PolicyError
from indigomed.privacy.policy import Policy

# What a restriction names for "my health plan": whichever carrier of the member's plans asks.
ANY_HEALTH_PLAN = "health-plan"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who receives: ``kind`` is one the policy file lists under [recipients.kinds]; ``ref`` names
    the very recipient, as ``<kind>:<key>``. Build one with the constructors below rather than by hand."""

    kind: str
    ref: str
    label: str

    @classmethod
    def practitioner(cls, practitioner_id: int, label: str) -> Recipient:
        return cls("practitioner", f"practitioner:{practitioner_id}", label)

    @classmethod
    def facility(cls, facility_id: int, label: str) -> Recipient:
        return cls("facility", f"facility:{facility_id}", label)

    @classmethod
    def partner(cls, slug: str, label: str) -> Recipient:
        return cls("partner", f"partner:{slug}", label)

    @classmethod
    def carrier(cls, slug: str, label: str) -> Recipient:
        """An insurance carrier, by its directory slug."""
        return cls("carrier", f"carrier:{slug}", label)

    @classmethod
    def staff(cls, role: str, label: str) -> Recipient:
        """IndigoMed's own staff in a role the policy lists (``staff_roles``)."""
        return cls("staff", f"staff:{role}", label)

    @classmethod
    def indigomed(cls, label: str = "IndigoMed") -> Recipient:
        return cls("indigomed", "indigomed", label)

    @classmethod
    def under_legal_demand(cls, demand_id: int, label: str) -> Recipient:
        """Whoever issued a recorded legal demand (LEGAL-1)."""
        return cls("legal", f"legal:{demand_id}", label)

    @classmethod
    def person(cls, key: str, label: str) -> Recipient:
        return cls("person", f"person:{key}", label)

    @classmethod
    def acquirer(cls, transfer_notice_id: int, label: str) -> Recipient:
        """The acquirer named in an announced transfer (USE-7)."""
        return cls("acquirer", f"acquirer:{transfer_notice_id}", label)

    @classmethod
    def researcher(cls, key: str, label: str) -> Recipient:
        return cls("researcher", f"researcher:{key}", label)

    @classmethod
    def organization(cls, key: str, label: str) -> Recipient:
        return cls("organization", f"organization:{key}", label)

    @classmethod
    def advertiser(cls, key: str, label: str) -> Recipient:
        return cls("advertiser", f"advertiser:{key}", label)

    @classmethod
    def member(cls, member_id: int, label: str = "You") -> Recipient:
        return cls("member", f"member:{member_id}", label)

    @staticmethod
    def ids_of(kind: str, refs: Iterable[str]) -> list[int]:
        """The ids in the refs of one kind built from an id (``practitioner:12`` gives 12): the
        constructors' inverse, so no other code takes a ref apart."""
        prefix = f"{kind}:"
        keys = (ref.removeprefix(prefix) for ref in refs if ref.startswith(prefix))
        return sorted(int(key) for key in keys if key.isdigit())


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
    # "use" binds IndigoMed's own handling (the policy's first-party recipients), "disclosure"
    # what reaches anyone else, "both" either.
    limits: str = "both"

    def covers(self, recipient: Recipient, first_party: frozenset[str]) -> bool:
        """Whether this restriction speaks of ``recipient`` at all: by who it names, and by whether
        it limits uses, disclosures or both."""
        if self.limits != "both" and (self.limits == "use") != (recipient.kind in first_party):
            return False
        return (
            not self.recipient_ref
            or self.recipient_ref == recipient.ref
            or (self.recipient_ref == ANY_HEALTH_PLAN and recipient.kind == "carrier")
        )


@dataclass(frozen=True, slots=True)
class PartnerScope:
    """What a registered business partner's agreement lets it receive."""

    purposes: frozenset[str]
    categories: frozenset[str]


@dataclass(frozen=True, slots=True)
class Binding:
    """A recorded reason why one recipient may receive some categories of one member's information:
    a legal demand (``purposes`` empty: required by law) or a reasoned office decision."""

    id: int
    recipient_ref: str
    categories: frozenset[str] | None  # None: the demand as recorded did not list them
    purposes: frozenset[str] = frozenset()
    since: dt.datetime | None = None


@dataclass(frozen=True)
class Subject:
    member_id: int
    jurisdiction: str
    grants: tuple[Grant, ...] = ()
    blocks: tuple[Block, ...] = ()
    care_team: frozenset[str] = frozenset()
    # What binds recipients beyond the care team, loaded only when the purpose asked needs it.
    carriers: frozenset[str] = frozenset()  # refs of the carriers of plans the member gave
    legal_demands: tuple[Binding, ...] = ()
    office_decisions: tuple[Binding, ...] = ()
    transfers: tuple[tuple[str, dt.datetime], ...] = ()  # (acquirer ref, when the member was told)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    rule: str
    reason: str
    basis: str = ""
    in_accounting: bool = False
    authorization_id: int | None = None
    legal_demand_id: int | None = None


# What a reason says instead of naming a sensitive tag (the reason goes to whoever asked).
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

    Deny by default: the purpose must grant the recipient's kind (the policy file's ``receive``),
    what binds that kind must hold (a care relationship, the partner's agreement in ``partner``, a
    legal demand, an office decision...), no accepted restriction may match, and every consent or
    authorization the purpose, the tags and the member's jurisdiction ask for must be live.

    Raises ``PolicyError`` for a purpose, category, tag or kind of recipient the policy does not know.
    """
    purpose = policy.purpose(purpose_name)
    if not categories:
        raise PolicyError(gettext("Name at least one category of information."))
    policy.check_categories(categories)
    if tags:
        policy.check_tags(tags)
    policy.check_recipient_kind(recipient.kind)

    if purpose.forbidden:
        return Decision(False, f"never:{purpose.name}", f"{purpose.label}: IndigoMed never does this.", purpose.basis)
    if recipient.kind == "member" and recipient.ref == f"member:{subject.member_id}":
        return Decision(True, "self", "Members read their own information.", "the member's own right of access")
    binding = purpose.receive.get(recipient.kind)
    if binding is None:
        return Decision(
            False,
            f"recipient-not-allowed:{recipient.kind}@{purpose.name}",
            f"{purpose.label}: {policy.recipient_kinds[recipient.kind].lower()} may not receive this.",
            purpose.basis,
        )

    for block in subject.blocks:
        if (
            (not block.categories or block.categories & categories)
            and (not block.purposes or purpose.name in block.purposes)
            and block.covers(recipient, policy.first_party)
        ):
            return Decision(False, f"restriction:{block.id}", "The member restricted this use or disclosure.")

    bound = _bound(policy, subject, recipient, purpose.name, binding, categories, at, partner)
    if isinstance(bound, Decision):
        return bound
    rule_when_allowed, legal_demand_id = bound

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
    named = binding == "named_in_authorization"
    if named:
        # Last, so that a missing consent the law asks for is the rule the caller sees first.
        needed.append(
            (f"not-named-by-member:{purpose.name}", f"{purpose.label}: only someone the member named may receive this.")
        )
    if not needed:
        return Decision(
            True, rule_when_allowed, purpose.label, purpose.basis, purpose.accounting, None, legal_demand_id
        )

    sensitive = tags & (jurisdiction.consent_tags | jurisdiction.authorization_tags)
    for grant in subject.grants:
        if (
            grant.live(at)
            # Naming someone means naming them: a grant to "whoever I described" does not do.
            and (grant.recipient_ref == recipient.ref or (not named and grant.recipient_ref == "*"))
            and purpose.name in grant.purposes
            and categories <= grant.categories
            and sensitive <= grant.tags
        ):
            return Decision(
                True, f"authorization:{grant.id}", "The member authorized it.", purpose.basis, False, grant.id
            )
    rule, reason = needed[0]
    return Decision(False, rule, reason, purpose.basis)


def _bound(
    policy: Policy,
    subject: Subject,
    recipient: Recipient,
    purpose: str,
    binding: str,
    categories: frozenset[str],
    at: dt.datetime,
    partner: PartnerScope | None,
) -> Decision | tuple[str, int | None]:
    """Whether what binds this kind of recipient holds: a refusal, or the rule (and legal demand) to allow under."""
    allowed = f"purpose:{purpose}"
    if binding in ("kind", "named_in_authorization"):
        return allowed, None  # the authorization named is checked with the other consents
    if binding == "care_team":
        if recipient.ref in subject.care_team:
            return allowed, None
        return Decision(
            False, "no-care-relationship", "Only practitioners the member booked or was referred to may see this."
        )
    if binding == "partner_agreement":
        if partner is not None and purpose in partner.purposes and categories <= partner.categories:
            return allowed, None
        return Decision(False, "partner-out-of-scope", "A business partner receives only what its agreement covers.")
    if binding == "plan_carrier":
        if recipient.ref in subject.carriers:
            return allowed, None
        return Decision(
            False, "not-the-members-carrier", "Only the carrier of a plan the member gave may receive this."
        )
    if binding == "staff_role":
        if recipient.ref.removeprefix("staff:") in policy.staff_roles:
            return allowed, None
        return Decision(False, "staff-role-unknown", "Only IndigoMed staff in a role the policy names may see this.")
    if binding == "legal_demand":
        demands = [d for d in subject.legal_demands if d.recipient_ref == recipient.ref]
        if not demands:
            return Decision(
                False, "no-legal-demand", "A release required by law needs a recorded legal demand about this member."
            )
        for demand in demands:
            if demand.categories is None or categories <= demand.categories:
                return f"legal-demand:{demand.id}", demand.id
        return Decision(
            False, f"legal-demand-scope:{demands[0].id}", "The legal demand does not cover this information."
        )
    if binding == "office_decision":
        for decision in subject.office_decisions:
            if (
                decision.recipient_ref == recipient.ref
                and purpose in decision.purposes
                and (decision.categories is None or categories <= decision.categories)
                and (decision.since is None or decision.since <= at)
            ):
                return f"office-decision:{decision.id}", None
        return Decision(
            False,
            f"no-office-decision:{purpose}",
            "This needs a recorded, reasoned decision of the privacy office naming this recipient and information.",
        )
    if binding == "announced_transfer":
        if any(ref == recipient.ref and told <= at for ref, told in subject.transfers):
            return allowed, None
        return Decision(False, "transfer-not-announced", "Members are told before a transfer in a merger (USE-7).")
    raise PolicyError(
        gettext("The policy binds recipients by an unknown rule %(binding)s.") % {"binding": repr(binding)}
    )
