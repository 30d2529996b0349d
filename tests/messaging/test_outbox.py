"""MSG-1: every message is an outbox row written with the change that caused it; workers deliver
each once, retry with back-off, and hand what never goes to the privacy office."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer
from indigomed.messaging.delivery import claim, deliver_until_idle, message_id
from indigomed.messaging.models import DeliveryAttempt, Message
from indigomed.messaging.services import send_to_member
from indigomed.scheduling.services import book_appointment, cancel_appointment, reschedule_appointment
from tests.conftest import address_of, make_user
from tests.scheduling.helpers import open_slot

H = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


def book(world, *, after_hours: int = 120, index: int = 0):
    return book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role, after_hours=after_hours, index=index).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )


def subjects(inbox, world) -> list[str]:
    return [m["Subject"] for m in inbox.to(address_of(world.member))]


def test_one_booking_gives_one_confirmation_then_each_reminder_at_its_time(world, smtp) -> None:
    """MSG-1: a booking writes its confirmation and the practice's reminders (48 h and 2 h before by
    default); each arrives once, when due, on a frozen clock, and never before."""
    visit = book(world)
    start = visit.starts_at
    deliver_until_idle(now=timezone.now())
    assert len(smtp.received) == 1 and "is booked" in smtp.received[0]["Subject"]
    deliver_until_idle(now=start - 48 * H - MINUTE)
    assert len(smtp.received) == 1, "no reminder before its time"
    deliver_until_idle(now=start - 48 * H)
    assert len(smtp.received) == 2 and "reminder" in smtp.received[1]["Subject"]
    deliver_until_idle(now=start - 2 * H - MINUTE)
    assert len(smtp.received) == 2
    deliver_until_idle(now=start - 2 * H)
    deliver_until_idle(now=start + 3 * H)
    assert [s.split(":")[1].split()[0] for s in subjects(smtp, world)] == ["your", "reminder", "reminder"]
    assert len({m["Message-ID"] for m in smtp.received}) == 3


def test_a_practice_sets_its_own_reminder_times(world, smtp) -> None:
    """MSG-1: offsets are set per practice; a 24 h practice sends one reminder, a day before."""
    world.ny_clinic.reminder_offsets = "24h"
    world.ny_clinic.save(update_fields=["reminder_offsets"])
    visit = book(world)
    assert sorted(Message.objects.filter(kind="reminder").values_list("due_at", flat=True)) == [
        visit.starts_at - 24 * H
    ]


def test_a_moved_appointments_reminders_move_with_it(world, smtp) -> None:
    """MSG-1: moving a visit withdraws the old time's reminders and writes the new time's."""
    visit = book(world)
    deliver_until_idle(now=timezone.now())
    later = open_slot(world.heart_role, after_hours=240)
    moved = reschedule_appointment(actor=world.member, public_id=str(visit.public_id), new_slot_id=later.pk)
    deliver_until_idle(now=timezone.now())
    local = moved.starts_at.astimezone(ZoneInfo(world.ny_clinic.timezone))
    assert [m["Subject"] for m in smtp.received][1] == (
        f"IndigoMed: your appointment is moved to {local:%A} {local.day} {local:%B}"
    )
    deliver_until_idle(now=visit.starts_at - 2 * H)
    assert len(smtp.received) == 2, "the old time's reminders are withdrawn"
    deliver_until_idle(now=moved.starts_at - 2 * H)
    assert len(smtp.received) == 4
    assert Message.objects.filter(kind="reminder", status="withdrawn").count() == 2


def test_a_cancelled_appointments_reminders_are_withdrawn_and_the_member_is_told(world, smtp) -> None:
    """MSG-1: cancelling withdraws the pending reminders; the member gets one cancellation."""
    visit = book(world)
    deliver_until_idle(now=timezone.now())
    cancel_appointment(actor=world.member, public_id=str(visit.public_id))
    deliver_until_idle(now=visit.starts_at)
    assert len(smtp.received) == 2 and "is cancelled" in smtp.received[1]["Subject"]
    assert set(Message.objects.filter(kind="reminder").values_list("status", flat=True)) == {"withdrawn"}


def test_a_refusing_server_gets_the_message_on_the_fourth_attempt_with_back_off(world, smtp, settings) -> None:
    """MSG-1: a refusal leaves the message queued, never marked sent; it is retried later and later."""
    smtp.refuse = 3
    send_to_member(member_id=world.member.pk, subject="IndigoMed: hello", body="Text.", reason="notice-test")
    message = Message.objects.get()
    waits = []
    now = timezone.now()
    for _ in range(4):
        deliver_until_idle(now=now)
        message.refresh_from_db()
        if message.status == "sent":
            break
        assert message.status == "pending" and message.delivered_at is None
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert message.status == "sent" and message.attempts == 4
    assert waits == [dt.timedelta(seconds=60), dt.timedelta(seconds=120), dt.timedelta(seconds=240)]
    [arrived] = smtp.received
    assert arrived["Message-ID"] == message_id(message.public_id)
    outcomes = list(DeliveryAttempt.objects.filter(message=message).order_by("at").values_list("outcome", "detail"))
    assert outcomes == [("failed", "SMTPDataError 451")] * 3 + [("sent", "")]


def test_a_server_refusing_forever_makes_a_dead_letter_the_office_sees_and_can_retry(world, smtp, settings) -> None:
    """MSG-1: after the attempt limit the message is a dead letter, listed for the privacy office
    (references only) and sent again when the office retries."""
    settings.INDIGOMED = {**settings.INDIGOMED, "MESSAGE_MAX_ATTEMPTS": 3}
    smtp.refuse = -1
    send_to_member(member_id=world.member.pk, subject="IndigoMed: hello", body="Secret text.", reason="notice-test")
    now = timezone.now()
    for _ in range(5):
        deliver_until_idle(now=now)
        now += dt.timedelta(days=1)
    message = Message.objects.get()
    assert (message.status, message.attempts, smtp.received) == ("dead", 3, [])
    officer = make_user("officer@example.test")
    PrivacyOfficer.objects.create(user=officer)
    office = Client()
    office.force_login(officer)
    page = office.get("/office/messages/").content.decode()
    assert str(message.public_id) in page and "Secret text" not in page and address_of(world.member) not in page
    assert "/office/messages/" in office.get("/office/").content.decode()
    member = Client()
    member.force_login(world.member)
    assert member.get("/office/messages/").status_code == 403
    assert member.post(f"/office/messages/{message.public_id}/retry").status_code == 403
    smtp.refuse = 0
    assert office.post(f"/office/messages/{message.public_id}/retry").status_code == 302
    deliver_until_idle(now=timezone.now())
    message.refresh_from_db()
    assert message.status == "sent" and len(smtp.received) == 1


def test_a_mailbox_the_server_says_does_not_exist_is_a_dead_letter_at_once(world, smtp) -> None:
    """MSG-1: a permanent refusal (5xx) is not retried for days; the office sees it straight away,
    and the other members' messages still go."""
    smtp.unknown = {address_of(world.member)}
    send_to_member(member_id=world.member.pk, subject="IndigoMed: hello", body="Text.", reason="notice-test")
    deliver_until_idle(now=timezone.now())
    message = Message.objects.get()
    assert (message.status, message.attempts, message.delivered_at, smtp.received) == ("dead", 1, None, [])
    assert message.last_error == "SMTPRecipientsRefused 550 permanent"


def test_a_message_claimed_by_a_worker_that_died_goes_later_with_the_same_message_id(world, smtp) -> None:
    """MSG-1: a claim lapses; another worker then sends the message, with the Message-ID it always had."""
    send_to_member(member_id=world.member.pk, subject="IndigoMed: hello", body="Text.", reason="notice-test")
    now = timezone.now()
    assert claim(worker="dead-worker", now=now, batch=10) == [Message.objects.get().pk]
    deliver_until_idle(worker="other", now=now + dt.timedelta(seconds=60))
    assert smtp.received == [], "a live claim is respected"
    deliver_until_idle(worker="other", now=now + dt.timedelta(seconds=301))
    [arrived] = smtp.received
    message = Message.objects.get()
    assert arrived["Message-ID"] == message_id(message.public_id) and message.claimed_by == "other"


@pytest.mark.django_db(transaction=True)
def test_nothing_is_written_when_the_change_that_caused_it_is_rolled_back(world, smtp) -> None:
    """MSG-1: the row belongs to the change's transaction: a booking that fails leaves no message."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        book(world)
        assert Message.objects.count() == 3
        raise RuntimeError("the booking's transaction fails after the rows were written")
    assert Message.objects.count() == 0


def test_a_completed_visit_gets_one_follow_up_a_day_later_and_no_more_reminders(world, smtp) -> None:
    """MSG-1: completing a visit withdraws what is left of its reminders and queues a follow-up."""
    from indigomed.scheduling.services import set_visit_status

    visit = book(world)
    deliver_until_idle(now=timezone.now())
    set_visit_status(actor=world.doctor_user, public_id=str(visit.public_id), status="completed")
    deliver_until_idle(now=timezone.now() + 23 * H)
    assert len(smtp.received) == 1
    deliver_until_idle(now=visit.starts_at + 24 * H)
    assert [m["Subject"] for m in smtp.received][1] == "IndigoMed: after your appointment"
    assert set(Message.objects.filter(kind="reminder").values_list("status", flat=True)) == {"withdrawn"}
