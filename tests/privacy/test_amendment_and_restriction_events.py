"""Invariant 2c for amendments and restrictions: every step is one audit event with its actor,
written with the change, and no event holds what the member or the office wrote, nor any value."""

from __future__ import annotations

from indigomed.privacy.amendments import accept_amendment, deny_amendment, file_disagreement, write_rebuttal
from indigomed.privacy.restrictions import decide_restriction, end_restriction, file_restriction
from indigomed.security.models import AuditEvent
from tests.privacy.amending import ask_to_amend, book, calendar_page, officer

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
    accept_amendment(officer=office, public_id=str(accepted.public_id))
    denied = ask_to_amend(member, f"booking:{visit.public_id}:reason", "acne", "My skin says so.")
    deny_amendment(officer=office, public_id=str(denied.public_id), basis="accurate", explanation="Chest as booked.")
    file_disagreement(
        actor=member, public_id=str(denied.public_id), statement="This is my zebra statement, Quackenbush."
    )
    write_rebuttal(officer=office, public_id=str(denied.public_id), text="These are the office rebuttal words.")
    restriction = file_restriction(
        actor=member,
        categories=["insurance"],
        purposes=["payment"],
        recipient_ref="carrier:aetna",
        signed_name="Pat Quackenbush",
        explicit_consent=True,
    )
    decide_restriction(officer=office, public_id=str(restriction.public_id), accept=True)
    end_restriction(actor=member, public_id=str(restriction.public_id))
    refused = file_restriction(
        actor=member, categories=["medical"], purposes=[], signed_name="Pat Quackenbush", explicit_consent=True
    )
    decide_restriction(
        officer=office, public_id=str(refused.public_id), accept=False, reason="These are insurer billing words."
    )

    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.actor_user_id) for e in events] == [
        ("amendment.requested", member.pk),
        ("amendment.accepted", office.pk),
        ("amendment.requested", member.pk),
        ("amendment.denied", office.pk),
        ("amendment.disagreement_filed", member.pk),
        ("amendment.rebutted", office.pk),
        ("restriction.requested", member.pk),
        ("restriction.decided", office.pk),
        ("restriction.ended", member.pk),
        ("restriction.requested", member.pk),
        ("restriction.decided", office.pk),
    ]
    assert {e.member_id for e in events} == {member.pk}
    assert events[1].details == {"record": "profile", "field": "date_of_birth", "told": 0, "passed_on": 0}
    assert events[3].details == {"basis": "accurate"}
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    for row in AuditEvent.objects.values_list(*fields):
        text = " ".join(str(value) for value in row).lower()
        for value in TYPED:
            assert value not in text, (value, row)
