"""RIGHT-RESTRICT, finished: a restriction is signed and dated, says whether it limits use,
disclosure or both, may name only a recipient the member has a relation with; the office gives a
reason for a refusal; the member is told of every decision and can end an accepted restriction;
care paid in full kept from the health plan is accepted at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from indigomed.errors import Conflict, Invalid
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import Restriction
from indigomed.privacy.restrictions import decide_restriction, end_restriction
from indigomed.records.vault import Vault
from indigomed.rights.models import Request
from indigomed.rights.restriction import decide
from indigomed.security.models import AuditEvent
from tests.conftest import address_of
from tests.privacy.amending import (
    SIGNED,
    ask_to_restrict,
    book,
    calendar_page,
    frozen,
    messages_to,
    officer,
    row_cell,
    signed_in,
)
from tests.privacy.conftest import ask

RESTRICT = "/me/privacy/restrict"


def restrict_on_page(member, **fields):
    form = {"categories": ["insurance"], "purposes": ["treatment"], "limits": "both", **SIGNED, **fields}
    return signed_in(member).post(RESTRICT, form)


def signed_restriction(world, **fields) -> Restriction:
    return ask_to_restrict(world.member, **fields)


def test_a_restriction_is_signed_and_dated_and_the_signature_is_sealed(world) -> None:
    book(world)
    at = dt.datetime(2027, 1, 15, 14, 30, tzinfo=dt.UTC)
    with frozen(at):
        response = restrict_on_page(world.member, recipient=f"practitioner:{world.heart_doctor.pk}")
    assert response.status_code == 302
    restriction = Restriction.objects.get()
    assert (restriction.signed_at, restriction.requested_at, restriction.explicit_consent) == (at, at, True)
    assert (restriction.recipient_label, restriction.limits) == (world.heart_doctor.display_name, "both")
    request = Request.objects.get(public_id=restriction.request_public_id)
    assert (request.kind, request.received_at, request.due_at) == ("restriction", at, at + dt.timedelta(days=30))
    assert b"Pat Example Member" not in bytes(restriction.signed_name)
    opened = Vault.open_for(world.member.pk).open(Restriction, "signed_name", restriction.signed_name)
    assert opened == "Pat Example Member"
    page = signed_in(world.member).get("/me/privacy/").content.decode()
    assert "signed 15 Jan 2027" in page and "use and disclosure" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"signed_name": ""}, "This field is required."),
        ({"signed_name": "Pat"}, "Type your full name"),
        ({"explicit_consent": ""}, "Tick the box that says you ask for this restriction"),
        ({"limits": "everything"}, "Select a valid choice."),
        ({"signed_name": "Pat \u202eMember"}, "Remove the invisible characters"),
    ],
)
def test_an_unsigned_restriction_is_refused_beside_its_field_and_nothing_is_stored(world, fields, message) -> None:
    response = restrict_on_page(world.member, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Restriction.objects.exists() and not Request.objects.exists()


@pytest.mark.parametrize(
    "recipient",
    [
        "practitioner:999999",  # nobody
        "skin-doctor",  # a real practitioner the member never booked
        "carrier:cigna",  # a real carrier of a plan the member never booked with
        "person:sister",
        "partner:acme",
        "x" * 5000,
    ],
)
def test_a_recipient_that_does_not_exist_for_the_member_is_refused_and_nothing_is_stored(world, recipient) -> None:
    """RIGHT-RESTRICT bad input: only a practitioner, facility or carrier the member has a relation
    with can be named; anything else is a 400 beside the field, by page or by service."""
    book(world)
    if recipient == "skin-doctor":
        recipient = f"practitioner:{world.skin_doctor.pk}"
    response = restrict_on_page(world.member, recipient=recipient)
    assert response.status_code == 400
    assert "We do not know that recipient" in response.content.decode()
    with pytest.raises(Invalid, match="We do not know that recipient"):
        signed_restriction(world, recipient_ref=recipient)
    assert not Restriction.objects.exists() and not Request.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="restriction.").exists()


def test_the_member_may_name_the_carrier_of_a_plan_they_booked_with(world) -> None:
    book(world)
    page = signed_in(world.member).get("/me/privacy/").content.decode()
    assert 'value="carrier:aetna"' in page and 'value="carrier:cigna"' not in page
    assert restrict_on_page(world.member, recipient="carrier:aetna", purposes=["payment"]).status_code == 302
    assert Restriction.objects.get().recipient_label == "Aetna"


def test_use_disclosure_or_both(people) -> None:
    """RIGHT-RESTRICT: a use is IndigoMed's own (its staff), a disclosure what reaches anyone else."""
    staff = Recipient.staff("support", "IndigoMed support")
    doctor = Recipient("practitioner", "practitioner:1", "Dr. Ada Hart")
    office = people.officer

    def restricted(limits: str) -> Restriction:
        restriction = ask_to_restrict(people.new_york, categories=["contact"], purposes=[], limits=limits)
        return decide(officer=office, public_id=str(restriction.public_id), accept=True)

    uses = restricted("use")
    assert not ask(people.new_york, staff, "operations", {"contact"}).allowed
    assert ask(people.new_york, doctor, "treatment", {"contact"}).allowed
    end_restriction(actor=people.new_york, public_id=str(uses.public_id))
    restricted("disclosure")
    assert ask(people.new_york, staff, "operations", {"contact"}).allowed
    decision = ask(people.new_york, doctor, "treatment", {"contact"})
    assert not decision.allowed and decision.rule.startswith("restriction:")


def test_ending_an_accepted_restriction_lets_the_disclosure_through_again(world) -> None:
    office = officer()
    visit = book(world)
    restriction = signed_restriction(world, recipient_ref=f"practitioner:{world.heart_doctor.pk}")
    decide(officer=office, public_id=str(restriction.public_id), accept=True)
    assert "Aetna HMO" not in row_cell(calendar_page(world.doctor_user, visit), visit, "Insurance")

    url = f"/me/privacy/restrictions/{restriction.public_id}/end"
    assert signed_in(world.other_member).post(url).status_code == 404
    assert Restriction.objects.get(pk=restriction.pk).status == Restriction.Status.ACCEPTED
    response = signed_in(world.member).post(url, follow=True)
    assert "Ended. It binds nobody from now on." in response.content.decode()
    restriction.refresh_from_db()
    assert restriction.status == Restriction.Status.ENDED and restriction.ended_at is not None
    assert "Aetna HMO" in row_cell(calendar_page(world.doctor_user, visit), visit, "Insurance")
    signed_in(world.member).post(url)
    assert AuditEvent.objects.filter(action="restriction.ended").count() == 1, "ending twice changes nothing more"
    assert signed_in(world.member).post(
        "/me/privacy/restrictions/00000000-0000-0000-0000-000000000000/end"
    ).status_code == (404)


def test_a_refusal_carries_its_reason_and_the_member_is_told(world, settings) -> None:
    """RIGHT-RESTRICT: the office refuses with a reason (none, and nothing changes); the restriction
    keeps it sealed, the member reads it on their page and in the desk's answer, and the request on
    the desk is denied with it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    office = officer()
    book(world)
    restriction = signed_restriction(world, recipient_ref=f"practitioner:{world.heart_doctor.pk}")
    request = Request.objects.get(public_id=restriction.request_public_id)
    assert (request.kind, request.state) == ("restriction", "received")
    decide_url = f"/office/restrictions/{restriction.public_id}/decide"
    without = signed_in(office).post(decide_url, {"decision": "refuse", "reason": ""}, follow=True)
    assert "Give the member the reason for refusing" in without.content.decode()
    assert Restriction.objects.get(pk=restriction.pk).status == Restriction.Status.REQUESTED
    assert Request.objects.get(pk=request.pk).state == "received", "a refused refusal changes nothing"
    reason = "Your practitioner needs your plan to bill your visits."
    signed_in(office).post(decide_url, {"decision": "refuse", "reason": reason})
    restriction.refresh_from_db()
    assert restriction.status == Restriction.Status.REFUSED
    assert reason.encode() not in bytes(restriction.refusal_reason), "sealed under the member's key"
    assert reason in signed_in(world.member).get("/me/privacy/").content.decode()
    assert Request.objects.get(pk=request.pk).state == "denied"
    assert len(messages_to(world.member.pk, "request-concluded")) == 1

    mail.outbox.clear()
    deliver_until_idle()
    [told] = [m for m in mail.outbox if "answered your request" in m.subject]
    assert told.to == [address_of(world.member)] and reason in told.body and "/me/privacy/" in told.body
    with pytest.raises(Invalid, match="refused this restriction"):
        end_restriction(actor=world.member, public_id=str(restriction.public_id))


def test_acceptance_is_told_and_a_paid_in_full_restriction_is_accepted_by_the_rule(world) -> None:
    office = officer()
    book(world)
    restriction = signed_restriction(world, recipient_ref=f"practitioner:{world.heart_doctor.pk}")
    decide(officer=office, public_id=str(restriction.public_id), accept=True)
    [accepted] = messages_to(world.member.pk, "request-concluded")
    assert accepted.actor_user_id == office.pk
    assert Request.objects.get(public_id=restriction.request_public_id).state == "fulfilled"
    with pytest.raises(Conflict):
        decide_restriction(officer=office, public_id=str(restriction.public_id), accept=False, reason="Not so, sorry.")
    paid = signed_restriction(
        world, categories=["medical"], purposes=["payment"], recipient_ref="health-plan", paid_in_full=True
    )
    assert paid.status == Restriction.Status.ACCEPTED and paid.decided_by is None
    assert paid.request_public_id is None, "the law leaves nothing to decide: no request on the desk"
    [by_rule] = messages_to(world.member.pk, "restriction-accepted")
    assert by_rule.actor_user_id is None
    decision = ask(world.member, Recipient.carrier("aetna", "Aetna"), "payment", {"medical"})
    assert not decision.allowed and decision.rule == f"restriction:{paid.pk}"


def test_a_restriction_waiting_for_the_office_cannot_be_ended_yet(world) -> None:
    restriction = signed_restriction(world)
    with pytest.raises(Invalid, match="has not answered"):
        end_restriction(actor=world.member, public_id=str(restriction.public_id))
    response = signed_in(world.member).post(f"/me/privacy/restrictions/{restriction.public_id}/end", follow=True)
    assert "has not answered this request yet" in response.content.decode()
    assert Restriction.objects.get(pk=restriction.pk).status == Restriction.Status.REQUESTED


def test_the_desks_own_answer_decides_the_restriction(world) -> None:
    """RIGHT-RESTRICT on the desk: answering the request from the desk's page runs the
    restriction's step, the answer's reasons becoming the refusal's."""
    office = officer()
    restriction = signed_restriction(world)
    request = Request.objects.get(public_id=restriction.request_public_id)
    desk = signed_in(office)
    desk.post(f"/office/requests/{request.public_id}/review")
    desk.post(
        f"/office/requests/{request.public_id}/conclude",
        {"outcome": "denied", "reasons": "Your insurance is needed for your care."},
    )
    restriction.refresh_from_db()
    assert restriction.status == Restriction.Status.REFUSED
    assert "Your insurance is needed for your care." in signed_in(world.member).get("/me/privacy/").content.decode()
