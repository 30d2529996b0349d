"""RIGHT-RESTRICT: the office must accept a restriction on telling a health plan about care the
member paid for in full; "paid in full" on any other restriction does not bind the office."""

from __future__ import annotations

import pytest
from django.test import Client

from indigomed.directory.models import Practitioner
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import Restriction
from indigomed.privacy.office import HEALTH_PLAN_REF
from indigomed.privacy.services import record_care_relationship
from indigomed.privacy.signing import request_restriction
from tests.privacy.conftest import ask

# Any carrier of the member's plans is "my health plan" to a restriction.
HEALTH_PLAN = Recipient.carrier("aetna", "Aetna")
ONLY_FOR_HEALTH_PLAN = "“Paid in full” applies only to keeping care you paid for yourself from your health plan"


@pytest.fixture
def doctor_ref(people) -> str:
    """A practitioner caring for the New York member, as the member's restriction form lists them."""
    practitioner = Practitioner.objects.create(slug="ada-hart", given_name="Ada", family_name="Hart", gender="female")
    ref = f"practitioner:{practitioner.pk}"
    record_care_relationship(member_id=people.new_york.pk, recipient_refs=[ref], source_ref="appointment:x")
    return ref


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask_to_restrict(member, **fields):
    signed = {"signed_name": "Pat Example Member", "explicit_consent": "on", "limits": "both"}
    return signed_in(member).post("/me/privacy/restrict", {"categories": ["medical"], **signed, **fields}, follow=True)


def test_care_paid_in_full_kept_from_the_health_plan_is_accepted_at_once(people) -> None:
    """RIGHT-RESTRICT: the law leaves the office no choice, so the restriction binds on filing."""
    response = ask_to_restrict(
        people.new_york, purposes=["payment", "operations"], recipient=HEALTH_PLAN_REF, paid_in_full="on"
    )
    assert response.status_code == 200
    assert "Your restriction is accepted: the law requires it" in response.content.decode()
    restriction = Restriction.objects.get(member=people.new_york)
    assert restriction.status == Restriction.Status.ACCEPTED
    assert restriction.decided_by is None and restriction.decided_at is not None
    assert (restriction.recipient_ref, restriction.recipient_label) == (HEALTH_PLAN_REF, "The member's health plan")
    decision = ask(people.new_york, HEALTH_PLAN, "payment", {"medical"})
    assert not decision.allowed and decision.rule == f"restriction:{restriction.pk}"


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"purposes": ["payment"]}, id="toward-anyone"),
        pytest.param({"purposes": ["payment"], "recipient": "doctor"}, id="toward-a-practitioner"),
        pytest.param({"purposes": ["treatment"], "recipient": HEALTH_PLAN_REF}, id="plan-for-treatment"),
        pytest.param({"purposes": ["payment", "family"], "recipient": HEALTH_PLAN_REF}, id="plan-beyond-payment"),
        pytest.param({"recipient": HEALTH_PLAN_REF}, id="plan-for-every-use"),
    ],
)
def test_paid_in_full_on_any_other_restriction_is_refused_and_nothing_is_stored(people, doctor_ref, fields) -> None:
    """RIGHT-RESTRICT: ticking "paid in full" cannot force the office to accept a restriction that
    is not about telling the health plan, for payment or operations; the member is told why."""
    if fields.get("recipient") == "doctor":
        fields = {**fields, "recipient": doctor_ref}
    response = ask_to_restrict(people.new_york, paid_in_full="on", **fields)
    assert response.status_code == 400
    assert ONLY_FOR_HEALTH_PLAN in response.content.decode()
    assert not Restriction.objects.exists()


def test_without_paid_in_full_a_health_plan_restriction_is_the_offices_decision(people) -> None:
    """RIGHT-RESTRICT: a restriction toward the health plan of care not paid in full may be refused."""
    response = ask_to_restrict(people.new_york, purposes=["payment"], recipient=HEALTH_PLAN_REF)
    assert "Your request is sent to the privacy office" in response.content.decode()
    restriction = Restriction.objects.get()
    assert restriction.status == Restriction.Status.REQUESTED
    signed_in(people.officer).post(
        f"/office/restrictions/{restriction.public_id}/decide",
        {"decision": "refuse", "reason": "Payment needs the plan to know the care."},
    )
    restriction.refresh_from_db()
    assert restriction.status == Restriction.Status.REFUSED
    assert ask(people.new_york, HEALTH_PLAN, "payment", {"medical"}).rule != f"restriction:{restriction.pk}"


def test_an_earlier_paid_in_full_request_not_toward_the_health_plan_can_be_refused(people) -> None:
    """RIGHT-RESTRICT: requests filed before the rule was narrowed do not bind the office either."""
    restriction = request_restriction(
        signed_name="Pat Example Member",
        explicit_consent=True,
        actor=people.new_york,
        categories=["medical"],
        purposes=[],
        recipient_ref="",
        paid_in_full=True,
    )
    office = signed_in(people.officer)
    page = office.get("/office/").content.decode()
    assert "marked paid in full, but not only toward the health plan" in page
    response = office.post(
        f"/office/restrictions/{restriction.public_id}/decide",
        {"decision": "refuse", "reason": "It does not bind the office here."},
        follow=True,
    )
    assert "Restriction refused." in response.content.decode()
    restriction.refresh_from_db()
    assert restriction.status == Restriction.Status.REFUSED


def test_the_office_cannot_refuse_an_earlier_request_the_law_binds(people) -> None:
    """RIGHT-RESTRICT: a paid-in-full request toward the health plan still waiting cannot be refused."""
    restriction = request_restriction(
        signed_name="Pat Example Member",
        explicit_consent=True,
        actor=people.new_york,
        categories=["medical"],
        purposes=["payment"],
        recipient_ref=HEALTH_PLAN_REF,
        paid_in_full=True,
    )
    office = signed_in(people.officer)
    assert 'value="refuse"' not in office.get("/office/").content.decode()
    response = office.post(f"/office/restrictions/{restriction.public_id}/decide", {"decision": "refuse"}, follow=True)
    assert "must be accepted" in response.content.decode()
    restriction.refresh_from_db()
    assert restriction.status == Restriction.Status.REQUESTED and restriction.decided_at is None


def test_a_restriction_without_information_is_refused_with_a_message(people) -> None:
    """RIGHT-RESTRICT: the member is told what is missing and nothing is stored."""
    response = signed_in(people.new_york).post("/me/privacy/restrict", {"purposes": ["payment"]}, follow=True)
    assert "Choose at least one kind of information to restrict." in response.content.decode()
    assert not Restriction.objects.exists()


def test_asking_twice_for_the_same_restriction_files_it_once(people) -> None:
    """RIGHT-RESTRICT: a second submit is refused with a message; the first request stands alone."""
    ask_to_restrict(people.new_york, purposes=["payment"], recipient=HEALTH_PLAN_REF)
    response = ask_to_restrict(people.new_york, purposes=["payment"], recipient=HEALTH_PLAN_REF)
    assert "You already asked for this restriction" in response.content.decode()
    assert Restriction.objects.count() == 1
