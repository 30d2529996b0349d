"""USE-3 … USE-7 at their edges: the decision itself, asked directly with a member's situation in hand.

Each test names one line a careless edit of ``privacy.decisions`` would cross: the member reading
their own information (and no other member), the exact scope of an agreement, a demand or an
office decision, the instant a grant starts, ends or is revoked, the instant a transfer was
announced, and what the access log may keep of a refusal over a specially protected kind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from indigomed.privacy.decisions import (
    Binding,
    Block,
    Grant,
    PartnerScope,
    Recipient,
    Subject,
    decide,
    rule_for_the_record,
)
from indigomed.privacy.errors import PolicyError
from indigomed.privacy.policy import current_policy

NOON = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)
MEMBER = 7
DOCTOR = Recipient.practitioner(1, "Dr. Ada Hart")
OTHER_DOCTOR = Recipient.practitioner(2, "Dr. Ben Skinner")
CARRIER = Recipient.carrier("acme-health", "Acme Health")
PARTNER = Recipient.partner("remindly", "Remindly")
COURT = Recipient.under_legal_demand(41, "Superior Court")
SISTER = Recipient.person("sister", "The member's sister")
ACQUIRER = Recipient.acquirer(5, "Bigger Health Inc.")
SECURITY = Recipient.organization("cert", "A security response team")
BILLING = Recipient.staff("billing", "IndigoMed billing")
INDIGOMED = Recipient.indigomed()
CARE = frozenset({DOCTOR.ref})


def subject(jurisdiction: str = "us", **known: object) -> Subject:
    known.setdefault("care_team", CARE)
    return Subject(member_id=MEMBER, jurisdiction=jurisdiction, **known)  # type: ignore[arg-type]


def grant(
    recipient: Recipient | str,
    purposes: set[str],
    categories: set[str],
    tags: set[str] = frozenset(),  # type: ignore[assignment]
    *,
    signed: dt.datetime = NOON - dt.timedelta(days=1),
    expires: dt.datetime = NOON + dt.timedelta(days=1),
    revoked: dt.datetime | None = None,
    id: int = 90,
) -> Grant:
    ref = recipient if isinstance(recipient, str) else recipient.ref
    return Grant(id, ref, frozenset(purposes), frozenset(categories), frozenset(tags), signed, expires, revoked)


def ask(
    who: Subject,
    recipient: Recipient,
    purpose: str,
    categories: set[str],
    tags: set[str] = frozenset(),  # type: ignore[assignment]
    *,
    at: dt.datetime = NOON,
    partner: PartnerScope | None = None,
):
    return decide(current_policy(), who, recipient, purpose, frozenset(categories), frozenset(tags), at, partner)


# --- The member themself ------------------------------------------------------------------------


def test_a_member_reads_their_own_information_whatever_it_is_and_whatever_they_restricted() -> None:
    """RIGHT-ACCESS: consents and restrictions protect a member from others, never from themself."""
    everything = Block(3, frozenset(), frozenset(), "")
    me = subject("us-fl", blocks=(everything,))
    decision = ask(me, Recipient.member(MEMBER), "treatment", {"medical"}, {"hiv"})
    assert (decision.allowed, decision.rule) == (True, "self")
    assert decision.basis == "the member's own right of access"


def test_another_member_is_not_the_member() -> None:
    """Being a member does not make someone "self": another member is refused like any stranger."""
    decision = ask(subject(), Recipient.member(MEMBER + 1, "Another member"), "treatment", {"contact"})
    assert not decision.allowed
    assert decision.rule == "recipient-not-allowed:member@treatment"
    assert decision.reason == "Treatment: the member themself may not receive this."


# --- Restrictions -------------------------------------------------------------------------------


def test_a_restriction_blocks_only_the_categories_purposes_and_recipient_it_names() -> None:
    """RIGHT-RESTRICT: a restriction on insurance data for payment to one carrier blocks that, and only that."""
    block = Block(3, frozenset({"insurance"}), frozenset({"payment"}), CARRIER.ref)
    who = subject(blocks=(block,), carriers=frozenset({CARRIER.ref, "carrier:other"}))
    refused = ask(who, CARRIER, "payment", {"insurance", "contact"})
    assert (refused.allowed, refused.rule) == (False, "restriction:3")
    assert ask(who, CARRIER, "payment", {"contact"}).allowed  # another category
    assert ask(who, Recipient.carrier("other", "Other"), "payment", {"insurance"}).allowed  # another carrier
    assert ask(who, DOCTOR, "treatment", {"insurance"}).allowed  # another purpose and recipient


def test_a_restriction_naming_my_health_plan_reaches_every_carrier_and_nobody_else() -> None:
    """RIGHT-RESTRICT (care paid in full): "my health plan" means whichever carrier asks, not my doctor."""
    block = Block(4, frozenset({"medical"}), frozenset(), "health-plan")
    who = subject(blocks=(block,), carriers=frozenset({CARRIER.ref}))
    assert ask(who, CARRIER, "payment", {"medical"}).rule == "restriction:4"
    assert ask(who, DOCTOR, "treatment", {"medical"}).allowed


@pytest.mark.parametrize(
    ("limits", "own_use_refused", "disclosure_refused"),
    [("use", True, False), ("disclosure", False, True), ("both", True, True)],
)
def test_a_restriction_limits_our_own_use_the_disclosures_or_both_as_the_member_chose(
    limits: str, own_use_refused: bool, disclosure_refused: bool
) -> None:
    """RIGHT-RESTRICT: "use" binds IndigoMed's own staff, "disclosure" what reaches anyone else."""
    block = Block(6, frozenset({"insurance"}), frozenset(), "", limits)
    who = subject(blocks=(block,), carriers=frozenset({CARRIER.ref}))
    own_use = ask(who, BILLING, "operations", {"insurance"})
    disclosure = ask(who, CARRIER, "payment", {"insurance"})
    assert (own_use.rule == "restriction:6", own_use.allowed) == (own_use_refused, not own_use_refused)
    assert (disclosure.rule == "restriction:6", disclosure.allowed) == (disclosure_refused, not disclosure_refused)


def test_a_restriction_naming_one_practitioner_leaves_the_members_carrier_alone() -> None:
    block = Block(5, frozenset(), frozenset(), OTHER_DOCTOR.ref)
    who = subject(
        blocks=(block,), carriers=frozenset({CARRIER.ref}), care_team=frozenset({DOCTOR.ref, OTHER_DOCTOR.ref})
    )
    assert ask(who, OTHER_DOCTOR, "treatment", {"medical"}).rule == "restriction:5"
    assert ask(who, CARRIER, "payment", {"medical"}).allowed
    assert ask(who, DOCTOR, "treatment", {"medical"}).allowed


# --- What binds each kind of recipient ------------------------------------------------------------


def test_treatment_reaches_the_care_team_only() -> None:
    """USE-5"""
    allowed = ask(subject(), DOCTOR, "treatment", {"medical"})
    assert (allowed.allowed, allowed.rule, allowed.reason) == (True, "purpose:treatment", "Treatment")
    assert allowed.basis == "HIPAA 45 CFR 164.506(c)" and not allowed.in_accounting
    assert (allowed.authorization_id, allowed.legal_demand_id) == (None, None)
    refused = ask(subject(), OTHER_DOCTOR, "treatment", {"medical"})
    assert (refused.allowed, refused.rule) == (False, "no-care-relationship")
    assert not refused.in_accounting


def test_a_partner_receives_exactly_what_its_agreement_covers_and_not_one_category_more() -> None:
    """USE-6: asking for precisely the agreement's categories is inside it."""
    agreement = PartnerScope(frozenset({"reminders"}), frozenset({"contact", "demographic"}))
    exact = ask(subject(), PARTNER, "reminders", {"contact", "demographic"}, partner=agreement)
    assert (exact.allowed, exact.rule) == (True, "purpose:reminders")
    more = ask(subject(), PARTNER, "reminders", {"contact", "insurance"}, partner=agreement)
    assert (more.allowed, more.rule) == (False, "partner-out-of-scope")
    other_purpose = ask(subject(), PARTNER, "payment", {"contact"}, partner=agreement)
    assert other_purpose.rule == "partner-out-of-scope"
    assert ask(subject(), PARTNER, "reminders", {"contact"}, partner=None).rule == "partner-out-of-scope"


def test_payment_reaches_only_the_carrier_of_a_plan_the_member_gave() -> None:
    who = subject(carriers=frozenset({CARRIER.ref}))
    assert ask(who, CARRIER, "payment", {"insurance"}).rule == "purpose:payment"
    stranger = ask(who, Recipient.carrier("other", "Other Health"), "payment", {"insurance"})
    assert (stranger.allowed, stranger.rule) == (False, "not-the-members-carrier")


def test_staff_see_operations_data_only_in_a_role_the_policy_names() -> None:
    assert ask(subject(), BILLING, "operations", {"insurance"}).rule == "purpose:operations"
    janitor = ask(subject(), Recipient.staff("janitor", "Somebody"), "operations", {"insurance"})
    assert (janitor.allowed, janitor.rule) == (False, "staff-role-unknown")


def test_a_legal_demand_releases_what_it_lists_exactly_and_is_counted_in_the_accounting() -> None:
    """LEGAL-1"""
    demand = Binding(41, COURT.ref, frozenset({"medical", "contact"}))
    exact = ask(subject(legal_demands=(demand,)), COURT, "required_by_law", {"medical", "contact"})
    assert (exact.allowed, exact.rule, exact.legal_demand_id) == (True, "legal-demand:41", 41)
    assert exact.in_accounting  # [C.2]: releases required by law are listed
    beyond = ask(subject(legal_demands=(demand,)), COURT, "required_by_law", {"medical", "insurance"})
    assert (beyond.allowed, beyond.rule, beyond.legal_demand_id) == (False, "legal-demand-scope:41", None)
    assert ask(subject(), COURT, "required_by_law", {"medical"}).rule == "no-legal-demand"


def test_of_two_demands_from_one_court_the_one_that_covers_the_information_is_named() -> None:
    narrow = Binding(41, COURT.ref, frozenset({"contact"}))
    broad = Binding(42, COURT.ref, frozenset({"medical"}))
    decision = ask(subject(legal_demands=(narrow, broad)), COURT, "required_by_law", {"medical"})
    assert (decision.rule, decision.legal_demand_id) == ("legal-demand:42", 42)
    unlisted = Binding(43, COURT.ref, None)  # the demand as recorded did not list categories
    assert ask(subject(legal_demands=(unlisted,)), COURT, "required_by_law", {"insurance"}).rule == "legal-demand:43"


def test_an_office_decision_counts_from_the_instant_it_was_taken_for_what_it_names() -> None:
    """Safety releases need a reasoned office decision naming recipient, purpose and categories."""
    decided = Binding(8, SECURITY.ref, frozenset({"contact"}), frozenset({"safety"}), since=NOON)
    who = subject(office_decisions=(decided,))
    at_once = ask(who, SECURITY, "safety", {"contact"}, at=NOON)
    assert (at_once.allowed, at_once.rule, at_once.legal_demand_id) == (True, "office-decision:8", None)
    assert ask(who, SECURITY, "safety", {"contact"}, at=NOON - TICK).rule == "no-office-decision:safety"
    assert ask(who, SECURITY, "safety", {"contact", "medical"}, at=NOON).rule == "no-office-decision:safety"
    assert ask(who, SECURITY, "terms_enforcement", {"contact"}, at=NOON).rule == "no-office-decision:terms_enforcement"
    other = Recipient.organization("someone-else", "Someone else")
    assert ask(who, other, "safety", {"contact"}, at=NOON).rule == "no-office-decision:safety"
    open_ended = Binding(9, SECURITY.ref, None, frozenset({"safety"}))
    assert ask(subject(office_decisions=(open_ended,)), SECURITY, "safety", {"medical"}).rule == "office-decision:9"


def test_a_transfer_may_happen_from_the_instant_members_were_told_and_not_before() -> None:
    """USE-7: told first, transferred after; the instant of the announcement itself counts as told."""
    who = subject(transfers=((ACQUIRER.ref, NOON),))
    assert ask(who, ACQUIRER, "merger", {"contact"}, at=NOON).rule == "purpose:merger"
    early = ask(who, ACQUIRER, "merger", {"contact"}, at=NOON - TICK)
    assert (early.allowed, early.rule) == (False, "transfer-not-announced")
    other = Recipient.acquirer(6, "Another buyer")
    assert ask(who, other, "merger", {"contact"}, at=NOON).rule == "transfer-not-announced"


def test_a_binding_the_decision_point_does_not_know_is_an_error_not_a_permission() -> None:
    policy = current_policy()
    treatment = dataclasses.replace(policy.purposes["treatment"], receive={"practitioner": "handshake"})
    odd = dataclasses.replace(policy, purposes={**policy.purposes, "treatment": treatment})
    with pytest.raises(PolicyError, match="unknown rule 'handshake'"):
        decide(odd, subject(), DOCTOR, "treatment", frozenset({"medical"}), frozenset(), NOON)


# --- Authorizations and consents ------------------------------------------------------------------


def test_an_authorization_counts_from_the_instant_it_is_signed_until_the_instant_it_expires() -> None:
    """RIGHT-REVOKE / USE-4: live on [signed, expires), and not at or after revocation."""
    signed, expires = NOON - dt.timedelta(hours=1), NOON + dt.timedelta(hours=1)
    who = subject(grants=(grant(INDIGOMED, {"marketing"}, {"contact"}, signed=signed, expires=expires),))
    assert ask(who, INDIGOMED, "marketing", {"contact"}, at=signed).allowed
    assert not ask(who, INDIGOMED, "marketing", {"contact"}, at=signed - TICK).allowed
    assert ask(who, INDIGOMED, "marketing", {"contact"}, at=expires - TICK).allowed
    assert not ask(who, INDIGOMED, "marketing", {"contact"}, at=expires).allowed


def test_a_revoked_authorization_stops_at_the_instant_of_revocation() -> None:
    revoked = grant(INDIGOMED, {"marketing"}, {"contact"}, revoked=NOON)
    who = subject(grants=(revoked,))
    assert ask(who, INDIGOMED, "marketing", {"contact"}, at=NOON - TICK).allowed
    at_revocation = ask(who, INDIGOMED, "marketing", {"contact"}, at=NOON)
    assert (at_revocation.allowed, at_revocation.rule) == (False, "authorization-required:marketing")


def test_an_authorization_is_named_in_the_decision_and_kept_out_of_the_accounting() -> None:
    """USE-4: what the member authorized is theirs to know of already; the decision names the grant."""
    who = subject(grants=(grant(INDIGOMED, {"marketing"}, {"contact", "demographic"}, id=31),))
    decision = ask(who, INDIGOMED, "marketing", {"contact", "demographic"})
    assert (decision.allowed, decision.rule, decision.authorization_id) == (True, "authorization:31", 31)
    assert decision.reason == "The member authorized it." and not decision.in_accounting
    assert not ask(who, INDIGOMED, "marketing", {"contact", "insurance"}).allowed
    assert not ask(who, INDIGOMED, "personalization", {"contact"}).allowed


def test_an_authorization_given_to_someone_else_does_not_let_indigomed_write_marketing() -> None:
    """USE-4: an authorization counts for the recipient it names (or "anyone I described"), nobody else."""
    elsewhere = subject(grants=(grant(Recipient.advertiser("adnet", "AdNet"), {"marketing"}, {"contact"}),))
    refused = ask(elsewhere, INDIGOMED, "marketing", {"contact"})
    assert (refused.allowed, refused.rule) == (False, "authorization-required:marketing")


def test_someone_the_member_described_in_words_is_not_someone_they_named() -> None:
    """HIPAA 164.510(b): an authorization to "whoever I described" lets IndigoMed write, not a stranger receive."""
    described = grant("*", {"family", "marketing"}, {"medical", "contact"})
    who = subject(grants=(described,))
    assert ask(who, SISTER, "family", {"medical"}).rule == "not-named-by-member:family"
    assert ask(who, INDIGOMED, "marketing", {"contact"}).rule == "authorization:90"
    named = subject(grants=(grant(SISTER, {"family"}, {"medical"}),))
    assert ask(named, SISTER, "family", {"medical"}).allowed


def test_a_protected_kind_needs_an_authorization_that_names_that_kind() -> None:
    """Florida asks consent for an HIV result: a consent for medical data in general is not enough."""
    general = subject("us-fl", grants=(grant(SISTER, {"family"}, {"medical"}),))
    refused = ask(general, SISTER, "family", {"medical"}, {"hiv"})
    assert (refused.allowed, refused.rule) == (False, "consent-required:hiv@us-fl")
    assert "hiv" not in refused.reason.lower() and refused.reason.startswith(
        "Information of a specially protected kind"
    )
    specific = subject("us-fl", grants=(grant(SISTER, {"family"}, {"medical"}, {"hiv"}),))
    assert ask(specific, SISTER, "family", {"medical"}, {"hiv"}).allowed


def test_the_first_consent_the_law_asks_for_is_the_rule_the_caller_sees() -> None:
    """A written authorization first, then the protected kinds, then the purpose, then the naming."""
    who = subject("us-fl")
    assert ask(who, DOCTOR, "psychotherapy_notes", {"medical"}, {"psychotherapy_notes", "substance_use"}).rule == (
        "authorization-required:psychotherapy_notes"
    )
    assert ask(who, SISTER, "family", {"medical"}, {"substance_use"}).rule == "consent-required:substance_use@us-fl"
    assert ask(who, SISTER, "family", {"medical"}).rule == "consent-required:family@us-fl"
    assert ask(subject("us"), SISTER, "family", {"medical"}).rule == "not-named-by-member:family"


# --- What the access log keeps of a refusal ---------------------------------------------------------


def test_the_access_log_keeps_that_a_protected_kind_was_refused_never_which_kind() -> None:
    """PI-2: a refusal over an HIV result is logged as "sensitive", so the log never says the member has one."""
    policy = current_policy()
    assert rule_for_the_record("consent-required:hiv@us-fl", policy) == "consent-required:sensitive@us-fl"
    assert rule_for_the_record("authorization-required:psychotherapy_notes", policy) == (
        "authorization-required:sensitive"
    )
    # Rules naming a purpose, or any other rule, are kept as they are: they reveal nothing of the member.
    assert rule_for_the_record("consent-required:family@us-fl", policy) == "consent-required:family@us-fl"
    assert rule_for_the_record("authorization-required:marketing", policy) == "authorization-required:marketing"
    assert rule_for_the_record("restriction:3", policy) == "restriction:3"
    assert rule_for_the_record("hiv:hiv", policy) == "hiv:hiv"


def test_every_kind_of_recipient_is_named_by_its_kind_and_key() -> None:
    """A recipient's ref is ``<kind>:<key>``, of a kind the policy lists, so decisions and logs agree on who."""
    kinds = current_policy().recipient_kinds
    built = [
        (Recipient.practitioner(3, "x"), "practitioner:3"),
        (Recipient.facility(4, "x"), "facility:4"),
        (Recipient.partner("p", "x"), "partner:p"),
        (Recipient.carrier("c", "x"), "carrier:c"),
        (Recipient.staff("billing", "x"), "staff:billing"),
        (Recipient.indigomed(), "indigomed"),
        (Recipient.under_legal_demand(5, "x"), "legal:5"),
        (Recipient.person("k", "x"), "person:k"),
        (Recipient.acquirer(6, "x"), "acquirer:6"),
        (Recipient.researcher("r", "x"), "researcher:r"),
        (Recipient.organization("o", "x"), "organization:o"),
        (Recipient.advertiser("a", "x"), "advertiser:a"),
        (Recipient.member(7), "member:7"),
    ]
    for recipient, ref in built:
        assert recipient.ref == ref and recipient.kind in kinds
    refs = ["practitioner:12", "facility:3", "practitioner:team", "practitioner:4"]
    assert Recipient.ids_of("practitioner", refs) == [4, 12]
