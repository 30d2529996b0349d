"""The worker reminds the privacy office before a deadline passes, and once when it has: each
threshold once per request and deadline, however often it sweeps and however many workers do."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from indigomed.messaging.models import Message
from indigomed.rights import office
from indigomed.rights.models import OfficerReminder
from indigomed.rights.sweeps import remind_officers
from indigomed.security.models import AuditEvent
from tests.rights.conftest import signed


def reminders(officer) -> list[str]:
    return list(Message.objects.filter(member_id=officer.pk, kind="request-due").values_list("about_ref", flat=True))


def test_the_assigned_officer_is_reminded_once_per_threshold_then_when_overdue(desk, clock) -> None:
    request = signed(desk.paris, "access")  # due in 8 days
    office.assign(officer=desk.officer, public_id=request.public_id, to_user_id=desk.second_officer.pk)
    assert remind_officers() == 0  # 8 days ahead: no threshold reached (7 and 2 days)
    clock.advance(days=1, minutes=1)
    assert remind_officers() == 1
    assert remind_officers() == 0  # the same sweep again sends nothing
    assert reminders(desk.second_officer) == [request.ref] and reminders(desk.officer) == []
    clock.advance(days=5)
    assert remind_officers() == 1
    clock.advance(days=2)
    assert remind_officers() == 1
    assert remind_officers() == 0
    assert list(OfficerReminder.objects.order_by("pk").values_list("threshold", flat=True)) == ["7d", "2d", "overdue"]
    assert len(reminders(desk.second_officer)) == 3
    assert AuditEvent.objects.filter(action="request.reminded", subject_ref=request.ref).count() == 3


def test_nobody_assigned_reminds_the_whole_office_and_answered_requests_are_left_alone(desk, clock) -> None:
    waiting = signed(desk.paris, "access")
    answered = signed(desk.paris, "question")
    office.start_review(officer=desk.officer, public_id=answered.public_id)
    office.conclude(officer=desk.officer, public_id=answered.public_id, outcome="fulfilled")
    clock.advance(days=40)
    assert remind_officers() == 1
    assert reminders(desk.officer) == [waiting.ref] and reminders(desk.second_officer) == [waiting.ref]


def test_an_extension_is_a_new_deadline_with_thresholds_of_its_own(desk, clock) -> None:
    request = signed(desk.new_york, "access")  # due in 30 days
    office.start_review(officer=desk.officer, public_id=request.public_id)
    clock.advance(days=29)
    assert remind_officers() == 1  # 2 days before
    office.extend(officer=desk.officer, public_id=request.public_id, reason="Records must come back from storage.")
    clock.advance(days=2)
    assert remind_officers() == 0  # the first deadline passed, but it is no longer the one in force
    clock.advance(days=26)
    assert remind_officers() == 1
    assert OfficerReminder.objects.filter(request=request).values("deadline_at").distinct().count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_sweep(desk, clock, settings, ledger_rows_removed_after) -> None:
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    signed(desk.paris, "access")
    clock.advance(days=7)
    call_command("worker", "--once")
    assert OfficerReminder.objects.count() == 1
