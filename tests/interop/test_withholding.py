"""RIGHT-ACCESS: a clinician withholds an item that could harm the member, with a reason the member
reads; the member may have the denial reviewed by another licensed professional the office assigns."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from indigomed.errors import Invalid, NotFound
from indigomed.interop.copies import build_copy
from indigomed.interop.models import Withholding, WithholdingReview
from indigomed.interop.sources import Directory
from indigomed.interop.withholding import (
    active_withholdings,
    ask_review,
    assign_reviewer,
    decide_review,
    open_for_review,
    reviews_of,
    withhold_item,
)
from indigomed.messaging.models import Message
from indigomed.security.models import AccessLogEntry, AuditEvent
from tests.interop.conftest import pdf_text, resources

REASON = "Reading this now could put your safety at risk; let us talk it through at your next visit."


def _withhold(history, world) -> Withholding:
    return withhold_item(clinician=world.doctor_user, appointment_public_id=str(history.chest.public_id), reason=REASON)


def test_a_withheld_visit_is_absent_and_its_reason_is_told_to_the_member(history, world) -> None:
    """RIGHT-ACCESS: withheld with a reason; absent from the bundle and the PDF; the reason shown."""
    _withhold(history, world)
    copy = build_copy(history.member.pk)
    ids = {a["identifier"][0]["value"] for a in resources(copy.bundle, "Appointment")}
    assert str(history.chest.public_id) not in ids and str(history.skin.public_id) in ids
    assert [e["reasonCode"][0]["text"] for e in resources(copy.bundle, "Encounter")] == ["Persistent rash"]
    assert "Chest pain" not in copy.bundle_json.decode()
    [outcome] = resources(copy.bundle, "OperationOutcome")
    told = [i["details"]["text"] for i in outcome["issue"] if i["code"] == "suppressed"]
    assert any(REASON in text and "Dr. Ada Hart" in text and "reviewed" in text for text in told)
    text = pdf_text(copy.pdf)
    assert "Chest pain" not in text
    assert "let us talk it through" in " ".join(text.split())
    assert copy.withheld == 1


def test_the_withholding_reason_is_sealed_and_the_event_holds_references_only(history, world) -> None:
    withholding = _withhold(history, world)
    assert b"safety" not in bytes(Withholding.objects.get().reason)
    event = AuditEvent.objects.get(action="copy.item_withheld")
    assert event.subject_ref == f"withholding:{withholding.public_id}" and "safety" not in str(event.details)


def test_only_a_clinician_caring_for_the_member_withholds_and_with_a_reason(history, world) -> None:
    for outsider in (world.other_member, world.staff_user, history.officer, history.member, world.outsider):
        with pytest.raises(NotFound):
            withhold_item(clinician=outsider, appointment_public_id=str(history.chest.public_id), reason=REASON)
    with pytest.raises(NotFound):
        withhold_item(clinician=world.doctor_user, appointment_public_id="not-a-uuid", reason=REASON)
    for bad in ("", "   ", "harm", "x " * 1500):
        with pytest.raises(Invalid):
            withhold_item(clinician=world.doctor_user, appointment_public_id=str(history.chest.public_id), reason=bad)
    _withhold(history, world)
    with pytest.raises(Invalid):
        _withhold(history, world)
    assert Withholding.objects.count() == 1


def test_the_member_asks_a_review_the_office_assigns_another_professional_who_overturns(history, world) -> None:
    """RIGHT-ACCESS: the denial reviewed by another licensed professional the office assigns."""
    withholding = _withhold(history, world)
    review = ask_review(member=history.member, withholding_public_id=str(withholding.public_id))
    with pytest.raises(Invalid):
        ask_review(member=history.member, withholding_public_id=str(withholding.public_id))
    # The denial's author may not review it: the service says so, and the database refuses it too.
    with pytest.raises(Invalid):
        assign_reviewer(
            officer=history.officer, review_public_id=str(review.public_id), practitioner_id=world.heart_doctor.pk
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        WithholdingReview.objects.filter(pk=review.pk).update(
            status="assigned", reviewer_practitioner_id=world.heart_doctor.pk
        )
    with pytest.raises(NotFound):
        assign_reviewer(
            officer=world.doctor_user, review_public_id=str(review.public_id), practitioner_id=world.skin_doctor.pk
        )
    assign_reviewer(
        officer=history.officer, review_public_id=str(review.public_id), practitioner_id=world.skin_doctor.pk
    )
    with pytest.raises(NotFound):
        open_for_review(reviewer=world.doctor_user, review_public_id=str(review.public_id))
    seen = open_for_review(reviewer=history.reviewer, review_public_id=str(review.public_id))
    assert seen.item.booked.reason_name == "Chest pain" and seen.reason == REASON
    assert AccessLogEntry.objects.filter(
        rule=f"review-of-denial:{review.public_id}", member_id=history.member.pk
    ).exists()
    decide_review(
        reviewer=history.reviewer,
        review_public_id=str(review.public_id),
        overturn=True,
        reason="The member is ready to read it.",
    )
    with pytest.raises(Invalid):
        decide_review(
            reviewer=history.reviewer,
            review_public_id=str(review.public_id),
            overturn=False,
            reason="Changed my mind now.",
        )
    [state] = reviews_of(history.member.pk)
    assert state.review.status == "overturned" and state.decision_reason == "The member is ready to read it."
    assert "Chest pain" in build_copy(history.member.pk).bundle_json.decode()
    assert Message.objects.filter(member_id=history.member.pk, kind="review-of-withholding").exists()


def test_an_upheld_denial_keeps_the_item_out(history, world) -> None:
    withholding = _withhold(history, world)
    review = ask_review(member=history.member, withholding_public_id=str(withholding.public_id))
    assign_reviewer(
        officer=history.officer, review_public_id=str(review.public_id), practitioner_id=world.skin_doctor.pk
    )
    decide_review(
        reviewer=history.reviewer,
        review_public_id=str(review.public_id),
        overturn=False,
        reason="The risk is still real.",
    )
    assert "Chest pain" not in build_copy(history.member.pk).bundle_json.decode()
    [note] = active_withholdings(member_id=history.member.pk, bookings=[], directory=Directory())
    assert note.review is not None and note.review.status == "upheld"


def test_a_member_cannot_ask_about_someone_elses_withholding(history, world) -> None:
    withholding = _withhold(history, world)
    for stranger in (world.other_member, world.outsider):
        with pytest.raises(NotFound):
            ask_review(member=stranger, withholding_public_id=str(withholding.public_id))
    with pytest.raises(NotFound):
        ask_review(member=history.member, withholding_public_id="0")
    assert not WithholdingReview.objects.exists()
