"""Members in Florida, Ohio, New York and France, a practice that treats them, and helpers to ask."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.privacy.decisions import Decision, Recipient
from indigomed.privacy.services import Item, disclose, record_care_relationship
from indigomed.security.models import LegalDemand
from tests.conftest import make_user

DOCTOR = Recipient.practitioner(1, "Dr. Ada Hart, Hudson Clinic")
OTHER_DOCTOR = Recipient.practitioner(2, "Dr. Ben Skinner")
FAMILY = Recipient.person("sister", "The member's sister")
ADVERTISER = Recipient.advertiser("adnet", "AdNet Inc.")
INDIGOMED = Recipient.indigomed()
RESEARCHERS = Recipient.researcher("study", "Example Research Institute")


def court(member: User, categories: tuple[str, ...] | None = ("medical",)) -> Recipient:
    """The court behind a legal demand about ``member``, recorded by the privacy office for these categories."""
    demand = LegalDemand.objects.create(
        member_id=member.pk,
        kind=LegalDemand.Kind.COURT_ORDER,
        reference="2026-CV-0113",
        issued_by="Superior Court, County of Example",
        document="legal-demands/test.sealed",
        recorded_by_id=member.pk,
        categories=None if categories is None else list(categories),
    )
    return Recipient.under_legal_demand(demand.pk, "Superior Court, County of Example")


@dataclass
class People:
    florida: User
    ohio: User
    new_york: User
    paris: User
    officer: User


def resident(email: str, country: str, region: str) -> User:
    user = make_user(email, member=True, country=country, region=region)
    record_care_relationship(member_id=user.pk, recipient_refs=[DOCTOR.ref], source_ref="appointment:test")
    return user


@pytest.fixture
def people(db: None) -> People:
    officer = make_user("privacy.officer@example.test")
    PrivacyOfficer.objects.create(user=officer)
    return People(
        florida=resident("fl@example.test", "US", "FL"),
        ohio=resident("oh@example.test", "US", "OH"),
        new_york=resident("ny@example.test", "US", "NY"),
        paris=resident("fr@example.test", "FR", ""),
        officer=officer,
    )


def ask(
    member: User,
    recipient: Recipient,
    purpose: str,
    categories: set[str],
    tags: set[str] | None = None,
    *,
    at: dt.datetime | None = None,
    ref: str = "",
    legal_demand_id: int | None = None,
) -> Decision:
    item = Item(member.pk, frozenset(categories), frozenset(tags or ()), ref)
    return disclose(
        actor_user_id=None,
        recipient=recipient,
        purpose=purpose,
        items=[item],
        at=at or timezone.now(),
        legal_demand_id=legal_demand_id,
    )[0]
