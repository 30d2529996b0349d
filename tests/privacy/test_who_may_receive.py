"""USE-3, USE-6, AGG-1, LEGAL-1: who may receive is data. Each purpose grants some kinds of
recipient, bound to the member by something recorded; every other pairing is refused with its rule,
whatever else the member signed or the office recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indigomed.errors import Invalid, NotFound
from indigomed.privacy.decisions import Binding, Grant, PartnerScope, Recipient, Subject, decide
from indigomed.privacy.models import Disclosure, OfficeDecision
from indigomed.privacy.policy import current_policy
from indigomed.privacy.queries import accounting_for
from indigomed.privacy.services import Item, disclose, record_office_decision
from indigomed.records.vault import Vault
from indigomed.scheduling.services import book_appointment
from tests.privacy.conftest import ADVERTISER, ask
from tests.privacy.test_decision_point import authorize
from tests.scheduling.helpers import open_slot

POLICY = current_policy()
NOW = timezone.now()
LONG_AGO = NOW - dt.timedelta(days=3650)
CATEGORIES = frozenset(POLICY.categories)
TAGS = frozenset(POLICY.tags)

# The notice and the law, read as a table (issue 8): what the shipped policy grants, and nothing more.
GRANTED = {
    "treatment": {"practitioner", "facility"},
    "payment": {"carrier", "partner"},
    "operations": {"partner", "staff"},
    "business_partner": {"partner", "staff"},
    "required_by_law": {"legal"},
    "safety": {"legal", "organization", "person", "staff"},
    "terms_enforcement": {"legal", "organization", "staff"},
    "claims": {"legal", "organization", "carrier", "staff"},
    "reminders": {"indigomed", "partner"},
    "personalization": {"indigomed"},
    "marketing": {"indigomed"},
    "sale": set(),
    "research": {"practitioner", "facility", "researcher"},
    "psychotherapy_notes": {"practitioner", "facility"},
    "family": {"person"},
    "directory": {"person"},
    "merger": {"acquirer"},
    "aggregate": set(),
}


def test_the_shipped_policy_grants_exactly_what_the_notice_and_the_law_allow() -> None:
    assert {name: set(purpose.receive) for name, purpose in POLICY.purposes.items()} == GRANTED


def bound_in_every_way(ref: str) -> Subject:
    """A member who has done everything that could bind ``ref``: the only thing left to refuse on is its kind."""
    every = frozenset(POLICY.purposes)
    return Subject(
        member_id=1,
        jurisdiction="us",
        grants=(
            Grant(1, ref, every, CATEGORIES, TAGS, LONG_AGO, NOW + dt.timedelta(days=365), None),
            Grant(2, "*", every, CATEGORIES, TAGS, LONG_AGO, NOW + dt.timedelta(days=365), None),
        ),
        care_team=frozenset({ref}),
        carriers=frozenset({ref}),
        legal_demands=(Binding(1, ref, None),),
        office_decisions=(Binding(1, ref, None, every, LONG_AGO),),
        transfers=((ref, LONG_AGO),),
    )


NOT_GRANTED = [
    (kind, purpose)
    for kind in POLICY.recipient_kinds
    for purpose in POLICY.purposes
    if kind not in POLICY.purposes[purpose].receive
]


@pytest.mark.parametrize(("kind", "purpose"), NOT_GRANTED)
def test_every_pairing_the_policy_does_not_grant_is_refused_in_every_jurisdiction(kind, purpose) -> None:
    # A member's own reads are "self"; another member is a recipient like any other.
    recipient = Recipient(kind, f"{kind}:someone", "Someone")
    subject = bound_in_every_way(recipient.ref)
    partner = PartnerScope(frozenset(POLICY.purposes), CATEGORIES)
    expected = f"never:{purpose}" if POLICY.purposes[purpose].forbidden else f"recipient-not-allowed:{kind}@{purpose}"
    for jurisdiction in POLICY.jurisdictions:
        member = Subject(**{**subject.__dict__, "jurisdiction": jurisdiction})
        for categories in ({"contact"}, {"medical"}, CATEGORIES):
            decision = decide(POLICY, member, recipient, purpose, frozenset(categories), frozenset(), NOW, partner)
            assert (decision.allowed, decision.rule) == (False, expected), (jurisdiction, categories)


def test_the_recipients_of_the_audit_of_issue_8_receive_nothing(people) -> None:
    """The audit's advertiser, asked about every purpose it was once allowed under: all refused."""
    adnet = Recipient("organization", "organization:adnet", "AdNet Inc.")
    for purpose in (
        "payment", "operations", "required_by_law", "safety", "terms_enforcement", "claims",
        "business_partner", "reminders", "family", "directory", "aggregate",
    ):  # fmt: skip
        decision = ask(people.new_york, adnet, purpose, {"contact", "medical"})
        assert not decision.allowed, purpose
    assert not ask(people.new_york, adnet, "aggregate", {"medical"}, {"hiv"}).allowed
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("advertiser", [ADVERTISER, Recipient("organization", "organization:adnet", "AdNet Inc.")])
def test_an_advertiser_never_receives_contact_insurance_or_medical_data_whatever_the_member_signed(
    people, advertiser
) -> None:
    """USE-6, notice [I]: no sharing with third parties for promotion, advertisers get aggregates only."""
    allowed_to_sign = [name for name, purpose in POLICY.purposes.items() if not purpose.forbidden]
    for member in (people.new_york, people.ohio, people.florida, people.paris):
        authorize(member, advertiser, allowed_to_sign, sorted(CATEGORIES), sorted(TAGS))
        for purpose in POLICY.purposes:
            items = [
                Item(member.pk, frozenset({category}), frozenset(tags))
                for category in ("contact", "insurance", "medical")
                for tags in ((), ("hiv",))
            ]
            decisions = disclose(actor_user_id=None, recipient=advertiser, purpose=purpose, items=items)
            assert not any(d.allowed for d in decisions), (member.email, purpose)
    assert not Disclosure.objects.exists()


def test_nobody_receives_identifiable_information_under_aggregate(people) -> None:
    """AGG-1: aggregate releases are de-identified; the one door lets nothing out under that name."""
    for kind in POLICY.recipient_kinds:
        recipient = Recipient(kind, f"{kind}:x", "x")
        decision = decide(
            POLICY, bound_in_every_way(recipient.ref), recipient, "aggregate", frozenset({"medical"}),
            frozenset({"hiv"}), NOW, PartnerScope(frozenset(POLICY.purposes), CATEGORIES),
        )  # fmt: skip
        assert not decision.allowed, kind


def test_payment_goes_only_to_the_carrier_of_a_plan_the_member_gave(world) -> None:
    book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )
    aetna = Recipient.carrier("aetna", "Aetna")
    cigna = Recipient.carrier("cigna", "Cigna")
    assert ask(world.member, aetna, "payment", {"insurance"}, ref="claim:1").allowed
    refused = ask(world.member, cigna, "payment", {"insurance"})
    assert (refused.allowed, refused.rule) == (False, "not-the-members-carrier")


def test_operations_go_to_indigomeds_own_staff_in_the_roles_the_policy_names(people) -> None:
    assert ask(people.new_york, Recipient.staff("billing", "Billing department"), "operations", {"insurance"}).allowed
    refused = ask(people.new_york, Recipient.staff("night-shift", "Someone"), "operations", {"insurance"})
    assert (refused.allowed, refused.rule) == (False, "staff-role-unknown")


def record(people, recipient, purpose="safety", categories=("contact",), officer=None):
    return record_office_decision(
        officer=officer or people.officer,
        member_id=people.new_york.pk,
        purpose=purpose,
        recipient=recipient,
        categories=list(categories),
        reason="A credible threat against the clinic's staff was reported to the police.",
    )


def test_safety_claims_and_terms_need_a_recorded_reasoned_office_decision_and_are_accounted(people) -> None:
    police = Recipient.organization("nypd", "New York Police Department")
    refused = ask(people.new_york, police, "safety", {"contact"})
    assert (refused.allowed, refused.rule) == (False, "no-office-decision:safety")
    decision = record(people, police)
    allowed = ask(people.new_york, police, "safety", {"contact"}, ref="incident:4")
    assert allowed.allowed and allowed.rule == f"office-decision:{decision.pk}"
    assert not ask(people.new_york, police, "safety", {"medical"}).allowed, "only what the decision names"
    assert not ask(people.new_york, police, "claims", {"contact"}).allowed, "only for its purpose"
    assert not ask(people.ohio, police, "safety", {"contact"}).allowed, "only about its member"
    [entry] = accounting_for(people.new_york.pk, NOW - dt.timedelta(days=1), timezone.now())
    assert (entry.recipient_label, entry.subject_refs) == ("New York Police Department", "incident:4")
    stored = OfficeDecision.objects.get()
    assert b"credible threat" not in bytes(stored.reason), "the reasons are sealed"
    opened = Vault.open_for(people.new_york.pk).open(OfficeDecision, "reason", stored.reason)
    assert opened is not None and "credible threat" in opened


def test_only_the_privacy_office_decides_and_only_where_the_policy_asks_for_its_decision(people) -> None:
    police = Recipient.organization("nypd", "New York Police Department")
    with pytest.raises(NotFound):
        record(people, police, officer=people.new_york)
    with pytest.raises(Invalid, match="cannot decide"):
        record(people, Recipient.practitioner(9, "Dr. Nobody"), purpose="treatment")
    with pytest.raises(Invalid, match="cannot decide"):
        record(people, ADVERTISER)
    with pytest.raises(Invalid, match="reasons"):
        record_office_decision(
            officer=people.officer, member_id=people.new_york.pk, purpose="safety", recipient=police,
            categories=["contact"], reason="because",
        )  # fmt: skip
    assert not OfficeDecision.objects.exists()
