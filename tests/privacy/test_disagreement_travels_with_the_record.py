"""RIGHT-AMEND: a denial gives its basis; the member may file a statement of disagreement and the
office a rebuttal; both go with every later disclosure of that record, so the practitioner sees
them beside it in Connect (page and API), and the member is told of each answer."""

from __future__ import annotations

from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import Disclosure
from indigomed.privacy.services import disclose_visit_history
from indigomed.records.models import Amendment
from indigomed.records.queries import visit_history_for
from indigomed.scheduling.services import set_visit_status
from indigomed.security.models import AuditEvent
from tests.privacy.amending import ask_to_amend, book, calendar_page, deny, messages_to, officer, row_cell, signed_in

STATEMENT = "I came about my skin; the reason on this booking is wrong."
REBUTTAL = "The practice recorded chest pain at booking and confirmed it at the desk."


def reason_entries(world) -> int:
    """Ledger entries of the visit reason reaching the practitioner."""
    return Disclosure.objects.filter(
        recipient_ref=f"practitioner:{world.heart_doctor.pk}", categories__contains="medical"
    ).count()


def test_a_statement_and_its_rebuttal_appear_beside_the_reason_the_practitioner_sees(world) -> None:
    office = officer()
    visit = book(world)
    calendar_page(world.doctor_user, visit)
    assert reason_entries(world) == 1
    amendment = ask_to_amend(world.member, f"booking:{visit.public_id}:reason", "acne", "I came about my skin.")

    # The office denies through its page, with a basis and an explanation.
    office_page = signed_in(office)
    refused = office_page.post(
        f"/office/amendments/{amendment.public_id}/deny", {"basis": "accurate", "explanation": ""}
    )
    assert refused.status_code == 400
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.REQUESTED
    response = office_page.post(
        f"/office/amendments/{amendment.public_id}/deny",
        {"basis": "accurate", "explanation": "The booking records the reason you chose."},
    )
    assert response.status_code == 302
    assert len(messages_to(world.member.pk, "request-concluded")) == 1
    member = signed_in(world.member)
    page = member.get("/me/amendments/").content.decode()
    assert "The record is accurate and complete" in page and "The booking records the reason you chose." in page

    # The member files a statement on their page; the practitioner's next look carries it.
    member.post(f"/me/amendments/{amendment.public_id}/disagree", {"statement": STATEMENT})
    reason = row_cell(calendar_page(world.doctor_user, visit), visit, "Reason")
    assert "Chest pain" in reason and "statement of disagreement" in reason and STATEMENT in reason
    assert reason_entries(world) == 2, "the record with its statement is a new version, ledgered"

    # The office's rebuttal goes with it, and the member is told.
    office_page.post(f"/office/amendments/{amendment.public_id}/rebut", {"text": REBUTTAL})
    assert len(messages_to(world.member.pk, "amendment-rebuttal")) == 1
    reason = row_cell(calendar_page(world.doctor_user, visit), visit, "Reason")
    assert STATEMENT in reason and REBUTTAL in reason
    assert reason_entries(world) == 3
    calendar_page(world.doctor_user, visit)
    assert reason_entries(world) == 3, "a second look at the same version is an access, not a disclosure"
    # The insurance is another record: nothing travels with it.
    assert "disagreement" not in row_cell(calendar_page(world.doctor_user, visit), visit, "Insurance")

    # Over the API too.
    [row] = (
        signed_in(world.doctor_user)
        .get("/api/connect/calendar", {"day": visit.starts_at.date().isoformat(), "days": 1})
        .json()
    )
    assert row["disputes"] == [
        {
            "field": "reason",
            "statement": STATEMENT,
            "filed_at": row["disputes"][0]["filed_at"],
            "rebuttal": REBUTTAL,
            "rebutted_at": row["disputes"][0]["rebutted_at"],
        }
    ]
    assert [e.action for e in AuditEvent.objects.filter(subject_ref=f"amendment:{amendment.public_id}")] == [
        "amendment.requested",
        "amendment.denied",
        "amendment.disagreement_filed",
        "amendment.rebutted",
    ]


def test_the_statement_never_shows_where_the_record_does_not(world) -> None:
    """RIGHT-AMEND, USE-5: the front desk never sees the reason, so not its statement either; nor
    does the practitioner once the member has restricted the reason."""
    office = officer()
    visit = book(world)
    amendment = ask_to_amend(world.member, f"booking:{visit.public_id}:reason", "acne")
    deny(office, amendment, "It is as booked.")
    signed_in(world.member).post(f"/me/amendments/{amendment.public_id}/disagree", {"statement": STATEMENT})
    assert STATEMENT not in calendar_page(world.staff_user, visit)
    assert STATEMENT in calendar_page(world.doctor_user, visit)


def test_a_visits_statement_goes_with_its_history_entry(world) -> None:
    """RIGHT-AMEND: a disputed visit-history entry is disclosed with its statement."""
    office = officer()
    visit = book(world)
    set_visit_status(actor=world.doctor_user, public_id=str(visit.public_id), status="completed")
    [entry] = visit_history_for(world.member.pk)
    amendment = ask_to_amend(world.member, f"{entry.ref}:reason", "acne")
    deny(office, amendment, "It is as seen.")
    signed_in(world.member).post(f"/me/amendments/{amendment.public_id}/disagree", {"statement": STATEMENT})
    doctor = Recipient.practitioner(world.heart_doctor.pk, "Dr. Ada Hart")
    [given] = disclose_visit_history(
        actor_user_id=None, recipient=doctor, purpose="treatment", member_id=world.member.pk
    )
    assert [d.statement for d in given.disputes] == [STATEMENT]


def test_a_statement_is_the_members_own_and_answers_a_denial(world) -> None:
    """RIGHT-AMEND: another member's request is not found; an accepted or waiting one takes no
    statement; a second statement or an empty one changes nothing."""
    office = officer()
    visit = book(world)
    amendment = ask_to_amend(world.member, f"booking:{visit.public_id}:reason", "acne")
    url = f"/me/amendments/{amendment.public_id}/disagree"
    assert signed_in(world.member).post(url, {"statement": STATEMENT}).status_code == 400, "not denied yet"
    deny(office, amendment, "It is as booked.")
    assert signed_in(world.other_member).post(url, {"statement": STATEMENT}).status_code == 404
    assert signed_in(world.member).post(url, {"statement": ""}).status_code == 400
    assert signed_in(world.member).post(url, {"statement": "x" * 10_000}).status_code == 400
    assert Amendment.objects.get(pk=amendment.pk).disagreement is None
    assert signed_in(world.member).post(url, {"statement": STATEMENT}).status_code == 302
    second = signed_in(world.member).post(url, {"statement": "Another statement, written twice."})
    assert second.status_code == 400 and "already filed" in second.content.decode()
    rebut = f"/office/amendments/{amendment.public_id}/rebut"
    assert signed_in(world.member).post(rebut, {"text": REBUTTAL}).status_code == 403
    assert signed_in(office).post(rebut, {"text": REBUTTAL}).status_code == 302
    again = signed_in(office).post(rebut, {"text": "A second rebuttal of the same."})
    assert again.status_code == 400
    assert AuditEvent.objects.filter(action="amendment.rebutted").count() == 1
