"""USE-2 … USE-6: the decision point, read as the notice reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indigomed.errors import Invalid
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.errors import PolicyError
from indigomed.privacy.models import Disclosure
from indigomed.privacy.office import decide_restriction
from indigomed.privacy.services import Item, disclose
from indigomed.privacy.signing import request_restriction, revoke_authorization, sign_authorization
from indigomed.security.models import AccessLogEntry, LegalDemand
from indigomed.security.queries import who_saw
from tests.privacy.conftest import ADVERTISER, DOCTOR, FAMILY, INDIGOMED, OTHER_DOCTOR, RESEARCHERS, ask

LATER = timezone.now() + dt.timedelta(days=365)


def authorize(member, recipient, purposes, categories, tags=(), expires=None):
    return sign_authorization(
        actor=member,
        recipient_ref=recipient.ref,
        recipient_label=recipient.label,
        purposes=list(purposes),
        categories=list(categories),
        tags=list(tags),
        information="As listed",
        signed_name="Pat Example Member",
        explicit_consent=True,
        expires_at=expires or LATER,
    )


def test_a_florida_members_hiv_result_is_not_shown_to_a_family_member_without_consent(people) -> None:
    decision = ask(people.florida, FAMILY, "family", {"medical"}, {"hiv"})
    assert not decision.allowed
    assert decision.rule == "consent-required:hiv@us-fl"
    assert not Disclosure.objects.exists()
    authorize(people.florida, FAMILY, ["family"], ["medical"], ["hiv"])
    assert ask(people.florida, FAMILY, "family", {"medical"}, {"hiv"}).allowed


def test_family_receive_only_when_the_member_named_them_and_florida_asks_its_consent_first(people) -> None:
    """USE-3: family or friends involved in care are people the member named."""
    assert ask(people.florida, FAMILY, "family", {"medical"}).rule == "consent-required:family@us-fl"
    assert ask(people.new_york, FAMILY, "family", {"medical"}).rule == "not-named-by-member:family"
    authorize(people.new_york, FAMILY, ["family"], ["medical"])
    assert ask(people.new_york, FAMILY, "family", {"medical"}).allowed
    stranger = Recipient.person("neighbour", "A neighbour")
    assert ask(people.new_york, stranger, "family", {"medical"}).rule == "not-named-by-member:family"


def test_ohio_needs_consent_for_hiv_mental_health_and_substance_use_even_for_treatment(people) -> None:
    for tag in ("hiv", "mental_health", "substance_use"):
        decision = ask(people.ohio, DOCTOR, "treatment", {"medical"}, {tag})
        assert decision.rule == f"consent-required:{tag}@us-oh"
    assert ask(people.ohio, DOCTOR, "treatment", {"medical"}, {"std"}).allowed
    # Federal law alone: substance-use treatment records need consent (42 CFR Part 2), HIV does not.
    assert ask(people.new_york, DOCTOR, "treatment", {"medical"}, {"hiv"}).allowed
    assert ask(people.new_york, DOCTOR, "treatment", {"medical"}, {"substance_use"}).rule == (
        "consent-required:substance_use@us"
    )


def test_psychotherapy_notes_marketing_and_sale_need_their_own_authorization(people) -> None:
    assert ask(people.new_york, DOCTOR, "treatment", {"medical"}, {"psychotherapy_notes"}).rule == (
        "authorization-required:psychotherapy_notes"
    )
    assert ask(people.new_york, INDIGOMED, "marketing", {"contact"}).rule == "authorization-required:marketing"


def test_personal_information_is_never_sold_whatever_is_configured(people) -> None:
    """USE-6"""
    decision = ask(people.new_york, ADVERTISER, "sale", {"contact"})
    assert not decision.allowed and decision.rule == "never:sale"
    with pytest.raises(Invalid, match="never"):
        authorize(people.new_york, ADVERTISER, ["sale"], ["contact"])


def test_a_revoked_marketing_authorization_stops_the_next_disclosure_but_the_earlier_one_stays_listed(people) -> None:
    grant = authorize(people.new_york, INDIGOMED, ["marketing"], ["contact"])
    first = ask(people.new_york, INDIGOMED, "marketing", {"contact"}, ref="newsletter:1")
    assert first.allowed and first.rule == f"authorization:{grant.pk}"
    revoke_authorization(actor=people.new_york, public_id=str(grant.public_id))
    later = ask(people.new_york, INDIGOMED, "marketing", {"contact"}, ref="newsletter:2")
    assert not later.allowed and later.rule == "authorization-required:marketing"
    entries = list(Disclosure.objects.filter(member_id=people.new_york.pk).values_list("subject_refs", "rule"))
    assert entries == [("newsletter:1", f"authorization:{grant.pk}")]


def test_an_expired_authorization_no_longer_counts(people) -> None:
    authorize(people.new_york, INDIGOMED, ["marketing"], ["contact"], expires=timezone.now() + dt.timedelta(days=1))
    assert ask(people.new_york, INDIGOMED, "marketing", {"contact"}).allowed
    assert not ask(
        people.new_york, INDIGOMED, "marketing", {"contact"}, at=timezone.now() + dt.timedelta(days=2)
    ).allowed


def test_an_authorization_covers_only_what_it_names(people) -> None:
    authorize(people.new_york, RESEARCHERS, ["research"], ["medical"])
    assert ask(people.new_york, RESEARCHERS, "research", {"medical"}).allowed
    assert not ask(people.new_york, RESEARCHERS, "research", {"contact", "medical"}).allowed
    other_study = Recipient.researcher("other-study", "Another research institute")
    assert not ask(people.new_york, other_study, "research", {"medical"}).allowed


def test_a_restricted_insurance_plan_is_hidden_from_the_booked_practitioner(people) -> None:
    """RIGHT-RESTRICT engine and USE-5: accepted restrictions block every matching decision."""
    assert ask(people.new_york, DOCTOR, "treatment", {"insurance"}).allowed
    restriction = request_restriction(
        signed_name="Pat Example Member",
        explicit_consent=True,
        actor=people.new_york,
        categories=["insurance"],
        purposes=[],
        recipient_ref=DOCTOR.ref,
    )
    assert ask(people.new_york, DOCTOR, "treatment", {"insurance"}).allowed, "a request binds only once accepted"
    decide_restriction(officer=people.officer, public_id=str(restriction.public_id), accept=True)
    decision = ask(people.new_york, DOCTOR, "treatment", {"insurance"})
    assert not decision.allowed and decision.rule == f"restriction:{restriction.pk}"
    assert ask(people.new_york, DOCTOR, "treatment", {"contact"}).allowed


def test_a_restriction_on_care_paid_in_full_must_be_accepted(people) -> None:
    restriction = request_restriction(
        signed_name="Pat Example Member",
        explicit_consent=True,
        actor=people.new_york,
        categories=["medical"],
        purposes=["payment"],
        recipient_ref="health-plan",
        paid_in_full=True,
    )
    with pytest.raises(Invalid, match="must be accepted"):
        decide_restriction(officer=people.officer, public_id=str(restriction.public_id), accept=False)


def test_treatment_is_shared_only_with_the_members_care_team(people) -> None:
    decision = ask(people.new_york, OTHER_DOCTOR, "treatment", {"contact"})
    assert not decision.allowed and decision.rule == "no-care-relationship"


def test_france_asks_consent_for_health_data_beyond_care(people) -> None:
    assert ask(people.paris, DOCTOR, "treatment", {"medical"}).allowed
    assert ask(people.paris, INDIGOMED, "reminders", {"contact"}).rule == "consent-required:reminders@fr"
    assert ask(people.new_york, INDIGOMED, "reminders", {"contact"}).allowed


@pytest.mark.parametrize(
    ("purpose", "categories", "tags", "message"),
    [
        ("astrology", {"contact"}, set(), "no purpose 'astrology'"),
        ("treatment", {"horoscope"}, set(), "no category 'horoscope'"),
        ("treatment", {"medical"}, {"zodiac"}, "no sensitivity tag 'zodiac'"),
        ("treatment", set(), set(), "at least one category"),
    ],
)
def test_unknown_purposes_categories_and_tags_are_errors_and_nothing_is_written(
    people, purpose, categories, tags, message
) -> None:
    with pytest.raises(PolicyError, match=message):
        ask(people.new_york, DOCTOR, purpose, categories, tags)
    assert not Disclosure.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_a_refusal_is_recorded_in_the_access_log_and_nothing_in_the_ledger(people) -> None:
    ask(people.new_york, ADVERTISER, "marketing", {"contact"})
    assert not Disclosure.objects.exists()
    entry = AccessLogEntry.objects.get()
    assert (entry.allowed, entry.rule, entry.recipient_ref) == (
        False,
        "recipient-not-allowed:advertiser@marketing",
        ADVERTISER.ref,
    )


def test_a_page_is_decided_item_by_item_and_counts_only_what_was_shown(people) -> None:
    """USE-3: a list of members' records, one withheld; the count the caller shows is of the allowed."""
    members = [people.new_york, people.ohio, people.florida]
    items = [Item(m.pk, frozenset({"medical"}), frozenset({"hiv"}), f"visit:{m.pk}") for m in members]
    decisions = disclose(actor_user_id=None, recipient=DOCTOR, purpose="treatment", items=items)
    shown = [item for item, decision in zip(items, decisions, strict=True) if decision.allowed]
    assert [item.member_id for item in shown] == [people.new_york.pk]
    assert Disclosure.objects.count() == len(shown)
    assert AccessLogEntry.objects.count() == 3


def test_a_member_sees_who_saw_their_data(people) -> None:
    """SEC-2"""
    ask(people.new_york, DOCTOR, "treatment", {"contact", "insurance"})
    ask(people.new_york, INDIGOMED, "marketing", {"contact"})
    seen = list(who_saw(people.new_york.pk).values_list("recipient_label", "purpose", "categories"))
    assert seen == [(DOCTOR.label, "treatment", "contact,insurance")]


def test_a_court_ordered_disclosure_is_allowed_and_recorded_with_its_demand(people) -> None:
    """LEGAL-1: released to the court named on the recorded demand, and listed with it."""
    demand = LegalDemand.objects.create(
        member_id=people.new_york.pk,
        kind=LegalDemand.Kind.COURT_ORDER,
        reference="2026-CV-0113",
        issued_by="Superior Court",
        document="legal-demands/test.sealed",
        recorded_by_id=people.officer.pk,
        categories=["medical"],
    )
    court = Recipient.under_legal_demand(demand.pk, "Superior Court (Court order 2026-CV-0113)")
    decision = ask(people.new_york, court, "required_by_law", {"medical"}, ref="visit:7")
    assert decision.allowed and decision.in_accounting and decision.rule == f"legal-demand:{demand.pk}"
    entry = Disclosure.objects.get()
    assert (entry.legal_demand_id, entry.in_accounting, entry.purpose) == (demand.pk, True, "required_by_law")


def test_a_release_the_law_requires_needs_a_demand_naming_the_member_and_the_information(people) -> None:
    """LEGAL-1: no demand, another member's demand, or information the demand does not name: refused."""
    unnamed = Recipient("legal", "legal:court-1", "Superior Court, County of Example")
    refused = ask(people.new_york, unnamed, "required_by_law", {"medical"})
    assert (refused.allowed, refused.rule) == (False, "no-legal-demand")
    assert "recorded legal demand" in refused.reason
    demand = LegalDemand.objects.create(
        member_id=people.ohio.pk,
        kind=LegalDemand.Kind.SUBPOENA,
        reference="S-1",
        issued_by="County Court",
        document="legal-demands/test.sealed",
        recorded_by_id=people.officer.pk,
        categories=["insurance"],
    )
    court = Recipient.under_legal_demand(demand.pk, "County Court (Subpoena S-1)")
    assert ask(people.new_york, court, "required_by_law", {"insurance"}).rule == "no-legal-demand"
    outside = ask(people.ohio, court, "required_by_law", {"insurance", "medical"})
    assert (outside.allowed, outside.rule) == (False, f"legal-demand-scope:{demand.pk}")
    assert "does not cover" in outside.reason
    assert ask(people.ohio, court, "required_by_law", {"insurance"}).allowed
    assert Disclosure.objects.count() == 1
