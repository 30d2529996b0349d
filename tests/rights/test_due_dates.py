"""Due dates per jurisdiction, from the policy file: the stricter of the notice and the law (SPEC §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from indigomed.errors import Conflict, Invalid
from indigomed.messaging.models import Message
from indigomed.rights import office
from indigomed.rights.models import Request
from indigomed.security.models import AuditEvent
from tests.rights.conftest import START, signed

Kind = Request.Kind


@pytest.mark.parametrize(
    ("where", "kind", "days"),
    [
        ("new_york", Kind.ACCESS, 30),  # HIPAA 164.524: 30, the notice's own setting too
        ("paris", Kind.ACCESS, 8),  # Code de la santé publique L1111-7
        ("new_york", Kind.ACCOUNTING, 20),  # the notice's 20 beats HIPAA's 60
        ("paris", Kind.ACCOUNTING, 20),  # the notice's 20 beats GDPR's month
        ("new_york", Kind.AMENDMENT, 60),
        ("paris", Kind.AMENDMENT, 30),  # GDPR art. 12(3) beats the notice's 60
        ("new_york", Kind.QUESTION, 30),
        ("paris", Kind.RESTRICTION, 30),
    ],
)
def test_a_request_is_due_by_the_stricter_of_the_notice_and_the_members_law(desk, clock, where, kind, days) -> None:
    """RIGHT-ACCESS, RIGHT-ACCOUNT, RIGHT-AMEND: the deadline is computed, never typed."""
    request = signed(getattr(desk, where), kind)
    assert request.received_at == START
    assert request.due_at == START + dt.timedelta(days=days)
    assert request.jurisdiction == ("fr" if where == "paris" else "us")


def test_an_extension_once_where_the_law_allows_with_the_reason_told_to_the_member(desk, clock) -> None:
    request = signed(desk.new_york, Kind.ACCESS)
    office.start_review(officer=desk.officer, public_id=request.public_id)
    clock.advance(days=10)
    extended = office.extend(
        officer=desk.officer,
        public_id=request.public_id,
        reason="Your records are archived with a partner we must ask.",
    )
    # HIPAA 164.524(b)(2): one extension of 30 days on the date that applied.
    assert extended.extended_due_at == START + dt.timedelta(days=60)
    assert extended.answer_by == extended.extended_due_at
    assert (
        Message.objects.filter(member_id=desk.new_york.pk, kind="request-extended", about_ref=request.ref).count() == 1
    )
    assert AuditEvent.objects.filter(action="request.extended", subject_ref=request.ref).count() == 1
    with pytest.raises(Conflict, match="already extended once"):
        office.extend(officer=desk.officer, public_id=request.public_id, reason="Still more work to do here.")
    request.refresh_from_db()
    assert request.extended_due_at == START + dt.timedelta(days=60)


def test_a_french_accounting_extends_by_two_months_a_us_one_by_thirty_days(desk, clock) -> None:
    paris = signed(desk.paris, Kind.ACCOUNTING)
    us = signed(desk.new_york, Kind.ACCOUNTING)
    reason = "The disclosures of that period are held by two partners."
    assert office.extend(officer=desk.officer, public_id=paris.public_id, reason=reason).extended_due_at == (
        START + dt.timedelta(days=20 + 60)
    )
    assert office.extend(officer=desk.officer, public_id=us.public_id, reason=reason).extended_due_at == (
        START + dt.timedelta(days=20 + 30)
    )


def test_no_extension_where_the_law_gives_none_nor_after_the_deadline_nor_without_reasons(desk, clock) -> None:
    question = signed(desk.new_york, Kind.QUESTION)
    with pytest.raises(Conflict, match="gives no extension"):
        office.extend(officer=desk.officer, public_id=question.public_id, reason="We are busy this month.")
    late = signed(desk.paris, Kind.ACCESS)
    with pytest.raises(Invalid):
        office.extend(officer=desk.officer, public_id=late.public_id, reason="busy")
    clock.advance(days=9)
    with pytest.raises(Conflict, match="deadline has passed"):
        office.extend(officer=desk.officer, public_id=late.public_id, reason="The records are over five years old.")
    late.refresh_from_db()
    assert late.extended_due_at is None
    assert not Message.objects.filter(kind="request-extended").exists()
