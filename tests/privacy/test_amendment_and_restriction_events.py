"""Invariant 2c for amendments and restrictions: every step is one audit event with its actor,
written with the change, and no event holds what the member or the office wrote, nor any value."""

from __future__ import annotations

from indigomed.privacy.amendments import file_disagreement, write_rebuttal
from indigomed.privacy.restrictions import end_restriction
from indigomed.rights.restriction import decide
from indigomed.security.models import AuditEvent
from tests.privacy.amending import accept, ask_to_amend, ask_to_restrict, book, calendar_page, deny, officer

TYPED = [
    "quackenbush",
    "1979-02-03",
    "acne",
    "chest",
    "my skin says so",
    "zebra statement",
    "office rebuttal words",
    "certificate",
    "insurer billing words",
]


def test_each_step_is_one_event_and_holds_no_value(world) -> None:
    office = officer()
    member = world.member
    visit = book(world)
    calendar_page(world.doctor_user, visit)
    before = AuditEvent.objects.count()

    accepted = ask_to_amend(member, "profile:date_of_birth", "1979-02-03", "My certificate says so.")
    accept(office, accepted)
    denied = ask_to_amend(member, f"booking:{visit.public_id}:reason", "acne", "My skin says so.")
    deny(office, denied, "Chest as booked.")
    file_disagreement(
        actor=member, public_id=str(denied.public_id), statement="This is my zebra statement, Quackenbush."
    )
    write_rebuttal(officer=office, public_id=str(denied.public_id), text="These are the office rebuttal words.")
    restriction = ask_to_restrict(
        member, purposes=["payment"], recipient_ref="carrier:aetna", signed_name="Pat Quackenbush"
    )
    decide(officer=office, public_id=str(restriction.public_id), accept=True)
    end_restriction(actor=member, public_id=str(restriction.public_id))
    refused = ask_to_restrict(member, categories=["medical"], purposes=[], signed_name="Pat Quackenbush")
    decide(officer=office, public_id=str(refused.public_id), accept=False, reason="These are insurer billing words.")
    paid = ask_to_restrict(
        member,
        categories=["medical"],
        purposes=["payment"],
        recipient_ref="health-plan",
        paid_in_full=True,
        signed_name="Pat Quackenbush",
    )

    events = list(AuditEvent.objects.order_by("pk")[before:])
    filed_then_answered = [
        ("request.filed", member.pk),
        ("request.review_started", office.pk),
    ]
    assert [(e.action, e.actor_user_id) for e in events] == [
        ("amendment.requested", member.pk),
        *filed_then_answered,
        ("amendment.accepted", office.pk),
        ("request.concluded", office.pk),
        ("amendment.requested", member.pk),
        *filed_then_answered,
        ("amendment.denied", office.pk),
        ("request.concluded", office.pk),
        ("amendment.disagreement_filed", member.pk),
        ("amendment.rebutted", office.pk),
        ("restriction.requested", member.pk),
        *filed_then_answered,
        ("restriction.decided", office.pk),
        ("request.concluded", office.pk),
        ("restriction.ended", member.pk),
        ("restriction.requested", member.pk),
        *filed_then_answered,
        ("restriction.decided", office.pk),
        ("request.concluded", office.pk),
        ("restriction.requested", member.pk),
        ("restriction.decided", None),  # accepted by the rule: care paid in full, kept from the plan
    ]
    assert {e.member_id for e in events} == {member.pk}
    assert paid.request_public_id is None
    [accepted_event] = [e for e in events if e.action == "amendment.accepted"]
    assert accepted_event.details == {"record": "profile", "field": "date_of_birth", "told": 0, "passed_on": 0}
    [denied_event] = [e for e in events if e.action == "amendment.denied"]
    assert denied_event.details == {"basis": "accurate"}
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    for row in AuditEvent.objects.values_list(*fields):
        text = " ".join(str(value) for value in row).lower()
        for value in TYPED:
            assert value not in text, (value, row)
