"""USE-6: business partners receive only within their registered agreement; sale is never configured."""

from __future__ import annotations

import datetime as dt

import pytest

from indigomed.errors import Invalid, NotFound
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import Disclosure
from indigomed.privacy.office import register_partner
from tests.privacy.conftest import ask

BILLING = Recipient("partner", "partner:acme-billing", "Acme Billing Services")


def register(people, **overrides):
    fields = dict(
        officer=people.officer,
        slug="acme-billing",
        name="Acme Billing Services",
        agreement_reference="BAA-2026-07",
        agreement_signed_on=dt.date(2026, 7, 1),
        purposes=["business_partner"],
        categories=["insurance", "contact"],
    )
    return register_partner(**{**fields, **overrides})


def test_an_unregistered_partner_receives_nothing(people) -> None:
    decision = ask(people.new_york, BILLING, "business_partner", {"insurance"})
    assert not decision.allowed and decision.rule == "partner-out-of-scope"


def test_a_registered_partner_receives_what_its_agreement_covers_and_it_is_recorded(people) -> None:
    register(people)
    assert ask(people.new_york, BILLING, "business_partner", {"insurance"}, ref="claim:1").allowed
    assert not ask(people.new_york, BILLING, "business_partner", {"medical"}).allowed
    assert not ask(people.new_york, BILLING, "marketing", {"contact"}).allowed
    entry = Disclosure.objects.get()
    assert (entry.recipient_ref, entry.recipient_label, entry.categories, entry.subject_refs) == (
        "partner:acme-billing",
        "Acme Billing Services",
        "insurance",
        "claim:1",
    )


def test_selling_is_refused_whatever_is_configured(people) -> None:
    with pytest.raises(Invalid, match="never"):
        register(people, purposes=["business_partner", "sale"])
    register(people)
    assert ask(people.new_york, BILLING, "sale", {"contact"}).rule == "never:sale"


def test_only_the_privacy_office_registers_partners(people) -> None:
    with pytest.raises(NotFound):
        register(people, officer=people.new_york)
