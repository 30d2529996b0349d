"""A request's life: received → in review → fulfilled / partly fulfilled / denied, each step an audit
event and a message to the member in the same transaction (SPEC §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from indigomed.errors import Conflict, Invalid, NotFound
from indigomed.messaging.models import Message
from indigomed.records.models import CorrespondenceEntry
from indigomed.rights import office, services
from indigomed.rights.models import Request
from indigomed.rights.steps import StepResult
from indigomed.security.models import AuditEvent
from tests.rights.conftest import START, signed

State = Request.State


def kinds_sent(member) -> list[str]:
    return list(Message.objects.filter(member_id=member.pk).order_by("pk").values_list("kind", flat=True))


def test_a_request_walks_from_received_to_denied_with_reasons_and_the_member_is_told_each_step(desk, clock) -> None:
    member = desk.new_york
    request = signed(member, Request.Kind.AMENDMENT, "My date of birth is wrong on my profile.")
    assert request.state == State.RECEIVED
    assert request.signature == Request.Signature.ONLINE and request.consent and request.signed_at == START
    reviewed = office.start_review(officer=desk.officer, public_id=request.public_id)
    assert reviewed.state == State.IN_REVIEW and reviewed.officer_id == desk.officer.pk
    denied = office.conclude(
        officer=desk.officer,
        public_id=request.public_id,
        outcome=State.DENIED,
        reasons="The date on your profile matches the identity document you gave us.",
    )
    assert denied.state == State.DENIED and denied.concluded_at == START
    assert kinds_sent(member) == ["request-received", "request-in-review", "request-concluded"]
    assert list(AuditEvent.objects.filter(subject_ref=request.ref).order_by("pk").values_list("action", flat=True)) == [
        "request.filed",
        "request.review_started",
        "request.concluded",
    ]


def test_what_the_member_wrote_and_signed_is_sealed_correspondence(desk, clock) -> None:
    """PI-1: correspondence, sealed under the member's key; the request keeps only its reference."""
    request = signed(desk.paris, Request.Kind.QUESTION, "Who at IndigoMed can read my visit reasons?")
    entry = CorrespondenceEntry.objects.get(pk=request.correspondence_id, member=desk.paris)
    assert entry.channel == "online"
    assert b"visit reasons" not in bytes(entry.body) and b"Pat Example" not in bytes(entry.body)


def test_partly_fulfilled_and_denied_need_reasons_and_change_nothing_without_them(desk, clock) -> None:
    request = signed(desk.new_york, Request.Kind.ACCESS)
    office.start_review(officer=desk.officer, public_id=request.public_id)
    for outcome in (State.DENIED, State.PARTLY_FULFILLED):
        with pytest.raises(Invalid):
            office.conclude(officer=desk.officer, public_id=request.public_id, outcome=outcome, reasons="")
    request.refresh_from_db()
    assert request.state == State.IN_REVIEW and request.reasons is None
    assert kinds_sent(desk.new_york) == ["request-received", "request-in-review"]


def test_the_lifecycle_refuses_skipped_and_repeated_steps(desk, clock) -> None:
    request = signed(desk.new_york, Request.Kind.QUESTION)
    with pytest.raises(Conflict, match="Start the review"):
        office.conclude(officer=desk.officer, public_id=request.public_id, outcome=State.FULFILLED)
    office.start_review(officer=desk.officer, public_id=request.public_id)
    with pytest.raises(Conflict):
        office.start_review(officer=desk.officer, public_id=request.public_id)
    office.conclude(officer=desk.officer, public_id=request.public_id, outcome=State.FULFILLED)
    with pytest.raises(Conflict, match="already answered"):
        office.conclude(
            officer=desk.officer, public_id=request.public_id, outcome=State.DENIED, reasons="We changed our mind here."
        )
    with pytest.raises(Invalid):
        office.conclude(officer=desk.officer, public_id=request.public_id, outcome="maybe")
    assert Request.objects.get(pk=request.pk).state == State.FULFILLED


def test_only_members_file_and_only_the_office_works_requests(desk, clock) -> None:
    with pytest.raises(NotFound):
        signed(desk.outsider, Request.Kind.QUESTION)
    request = signed(desk.new_york, Request.Kind.QUESTION)
    for outsider in (desk.outsider, desk.paris, desk.new_york):
        with pytest.raises(NotFound):
            office.start_review(officer=outsider, public_id=request.public_id)
    with pytest.raises(NotFound):
        office.start_review(officer=desk.officer, public_id="not-a-uuid")
    assert Request.objects.get(pk=request.pk).state == State.RECEIVED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent": False}, "consent"),
        ({"signed_name": "Pat"}, "signed_name"),
        ({"signed_name": "Pat \u202eEvil"}, "signed_name"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"kind": "telepathy"}, "kind"),
    ],
)
def test_an_unsigned_or_malformed_request_is_refused_beside_its_field_and_nothing_is_stored(
    desk, clock, changes, field
) -> None:
    sent = {"kind": "question", "text": "A question.", "signed_name": "Pat Example", "consent": True} | changes
    with pytest.raises(Invalid) as refused:
        services.file_request(actor=desk.new_york, **sent)
    assert refused.value.details["field"] == field
    assert not Request.objects.exists() and not CorrespondenceEntry.objects.exists() and not Message.objects.exists()


def test_the_office_assigns_requests_to_its_own_officers_only(desk, clock) -> None:
    request = signed(desk.new_york, Request.Kind.QUESTION)
    assert (
        office.assign(officer=desk.officer, public_id=request.public_id, to_user_id=desk.second_officer.pk).officer_id
        == desk.second_officer.pk
    )
    with pytest.raises(Invalid):
        office.assign(officer=desk.officer, public_id=request.public_id, to_user_id=desk.outsider.pk)
    assert AuditEvent.objects.filter(action="request.assigned").count() == 1


def test_a_fulfilment_step_runs_inside_the_answer_and_its_refusal_leaves_everything_as_it_was(
    desk, clock, monkeypatch
) -> None:
    calls = []

    def step(*, request, officer, outcome, payload):
        calls.append((request.pk, outcome, dict(payload)))
        if payload.get("refuse"):
            raise Invalid("The copy could not be made.")
        return StepResult(note="Your copy is ready.")

    monkeypatch.setattr(office, "step_for", lambda kind: step if kind == "access" else None)
    request = signed(desk.new_york, Request.Kind.ACCESS)
    office.start_review(officer=desk.officer, public_id=request.public_id)
    with pytest.raises(Invalid):
        office.conclude(
            officer=desk.officer, public_id=request.public_id, outcome=State.FULFILLED, payload={"refuse": True}
        )
    assert Request.objects.get(pk=request.pk).state == State.IN_REVIEW
    assert not AuditEvent.objects.filter(action="request.concluded").exists()
    office.conclude(
        officer=desk.officer, public_id=request.public_id, outcome=State.FULFILLED, payload={"format": "fhir"}
    )
    assert calls[-1] == (request.pk, "fulfilled", {"format": "fhir"})
    assert Request.objects.get(pk=request.pk).state == State.FULFILLED


def test_the_database_refuses_a_request_without_a_due_date_in_an_unknown_state_or_denied_without_reasons(
    desk, clock
) -> None:
    """Invariant 3: the database enforces what must never happen."""
    base = signed(desk.new_york, Request.Kind.QUESTION)
    fields = {
        f.attname: getattr(base, f.attname)
        for f in Request._meta.concrete_fields
        if f.attname not in ("id", "public_id")
    }
    for bad in (
        {"due_at": None},
        {"state": "lost"},
        {"state": "denied", "concluded_at": START},
        {"due_at": START - dt.timedelta(days=1)},
        {"extended_due_at": START + dt.timedelta(days=90)},
        {"signature": "online", "consent": False},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Request.objects.create(**(fields | bad))
    assert set(Request.State.values) == {"received", "in_review", "fulfilled", "partly_fulfilled", "denied"}


def test_a_shredded_members_request_keeps_its_dates_and_says_nothing_of_them(desk, clock) -> None:
    """PI-3: the request's words and reasons die with the member's key; the desk still works."""
    from indigomed.records.services import shred_member_data
    from tests.rights.conftest import client_for

    request = signed(desk.paris, Request.Kind.QUESTION, "A question only my key opens.")
    office.start_review(officer=desk.officer, public_id=request.public_id)
    shred_member_data(member_id=desk.paris.pk)
    page = client_for(desk.officer).get(f"/office/requests/{request.public_id}/")
    assert page.status_code == 200 and "only my key opens" not in page.content.decode()
    with pytest.raises(NotFound):
        office.conclude(
            officer=desk.officer,
            public_id=request.public_id,
            outcome=State.DENIED,
            reasons="Nothing left to answer with.",
        )
    done = office.conclude(officer=desk.officer, public_id=request.public_id, outcome=State.FULFILLED)
    assert done.state == State.FULFILLED
    assert not Message.objects.filter(member_id=desk.paris.pk, kind="request-concluded").exists()
