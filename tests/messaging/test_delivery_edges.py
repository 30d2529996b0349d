"""MSG-1 at its edges: which refusals are final, a worker handing back what it can no longer
finish within its claim, and the Message-ID a message carries wherever it is sent from."""

from __future__ import annotations

import smtplib
import uuid

import pytest
from django.utils import timezone

from indigomed.messaging import channels, delivery, outbox
from indigomed.messaging.confidential import choose_contact
from indigomed.messaging.delivery import Tally, deliver_batch, deliver_until_idle, message_id
from indigomed.messaging.models import DeliveryAttempt, MarketingOptOut, Message
from indigomed.messaging.outbox import enqueue, withdraw
from indigomed.messaging.services import send_to_address, send_to_member
from indigomed.records.services import shred_member_data
from indigomed.security.models import AccessLogEntry
from tests.conftest import address_of
from tests.messaging.conftest import letters_sent

WORLD_MEMBER = "Pat Member"  # the name the world's member signed up with
HOME = "Pat Member\n12 Elm Street\nBrooklyn NY 11201\nUSA"


def hello(world, count: int = 1) -> None:
    for n in range(count):
        send_to_member(member_id=world.member.pk, subject="IndigoMed: hello", body=f"Text {n}.", reason="notice-test")


@pytest.mark.parametrize(
    ("refusal", "status", "detail"),
    [
        (smtplib.SMTPDataError(500, b"Syntax error"), "dead", "SMTPDataError 500 permanent"),
        (smtplib.SMTPDataError(554, b"Transaction failed"), "dead", "SMTPDataError 554 permanent"),
        (smtplib.SMTPDataError(599, b"Refused"), "dead", "SMTPDataError 599 permanent"),
        (smtplib.SMTPDataError(451, b"Try later"), "pending", "SMTPDataError 451"),
        (smtplib.SMTPDataError(600, b"Not an SMTP reply"), "pending", "SMTPDataError 600"),
        (
            smtplib.SMTPRecipientsRefused({"a@example.test": (451, b"later"), "b@example.test": (550, b"no")}),
            "dead",
            "SMTPRecipientsRefused 550 permanent",
        ),
        (smtplib.SMTPRecipientsRefused({}), "pending", "SMTPRecipientsRefused"),
        (ConnectionRefusedError("no server"), "pending", "ConnectionRefusedError"),
    ],
)
def test_only_a_5yz_reply_is_final_every_other_failure_is_tried_again(
    world, smtp, monkeypatch, refusal, status, detail
) -> None:
    """RFC 5321 4.2.1: any 5yz reply (500 to 599) makes a dead letter at once; a 4yz reply, a reply
    that is not SMTP's, or a connection that fails leaves the message queued for a later attempt."""

    def refuse(self, **kwargs) -> None:
        raise refusal

    monkeypatch.setattr(channels.Mailer, "send", refuse)
    hello(world)
    now = timezone.now()
    tally = deliver_batch(now=now)
    message = Message.objects.get()
    assert (message.status, message.last_error, message.attempts, message.delivered_at) == (status, detail, 1, None)
    assert (tally.sent, tally.failed) == (0, 1)
    assert message.next_attempt_at == now + delivery.dt.timedelta(seconds=60)
    assert list(DeliveryAttempt.objects.values_list("outcome", "detail")) == [("failed", detail)]


class Clock:
    """The worker's stopwatch, set by the test: the claim starts at 0 s."""

    def __init__(self, later: float) -> None:
        self.readings = [0.0]
        self.later = later

    def monotonic(self) -> float:
        reading = self.readings[-1] if len(self.readings) > 1 else 0.0
        self.readings.append(self.later)
        return reading


def test_a_worker_near_the_end_of_its_claim_hands_the_rest_back_unsent(world, smtp, monkeypatch, settings) -> None:
    """Past four fifths of its claim a worker stops and frees its rows at once, as if never claimed,
    rather than send one that another worker may be about to take."""
    hello(world, 2)
    claim_seconds = settings.INDIGOMED["MESSAGE_CLAIM_SECONDS"]
    monkeypatch.setattr(delivery, "time", Clock(later=0.85 * claim_seconds))
    now = timezone.now()
    assert deliver_batch(now=now, worker="tired") == Tally()
    assert smtp.received == []
    rows = list(Message.objects.values_list("status", "attempts"))
    assert rows == [("pending", 0), ("pending", 0)]
    assert all(at <= timezone.now() for at in Message.objects.values_list("next_attempt_at", flat=True))


def test_a_worker_up_to_four_fifths_of_its_claim_sends_every_row_and_counts_them(
    world, smtp, monkeypatch, settings
) -> None:
    hello(world, 2)
    claim_seconds = settings.INDIGOMED["MESSAGE_CLAIM_SECONDS"]
    monkeypatch.setattr(delivery, "time", Clock(later=claim_seconds * 0.8))
    assert deliver_batch(now=timezone.now(), worker="fresh") == Tally(sent=2)
    assert len(smtp.received) == 2
    assert list(Message.objects.values_list("status", "attempts")) == [("sent", 1), ("sent", 1)]


def test_draining_the_outbox_counts_what_happened_to_each_message(world, smtp) -> None:
    hello(world, 3)
    smtp.refuse = 1
    total = deliver_until_idle(now=timezone.now())
    assert (total.sent, total.failed, total.held, total.withdrawn, total.handled) == (2, 1, 0, 0, 3)
    assert deliver_until_idle(now=timezone.now()) == Tally()


def test_the_message_id_names_the_sending_domain_or_a_reserved_one(settings) -> None:
    """A message carries one Message-ID on every attempt, in the sender's domain when it has one."""
    public_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    settings.DEFAULT_FROM_EMAIL = "IndigoMed <no-reply@mail.indigomed.example>"
    assert message_id(public_id) == "<12345678-1234-5678-1234-567812345678@mail.indigomed.example>"
    settings.DEFAULT_FROM_EMAIL = ""
    assert message_id(str(public_id)) == "<12345678-1234-5678-1234-567812345678@indigomed.invalid>"


def note(world, kind: str, **context) -> None:
    enqueue(
        member_ids=[world.member.pk],
        kind=kind,
        template="notice",
        context={"subject": "IndigoMed", "body": "Text.", **context},
    )


def test_a_worker_takes_at_most_one_batch_a_pass(world, smtp, settings) -> None:
    settings.INDIGOMED = {**settings.INDIGOMED, "MESSAGE_BATCH": 1}
    hello(world, 2)
    assert deliver_batch(now=timezone.now()) == Tally(sent=1)
    assert sorted(Message.objects.values_list("status", flat=True)) == ["pending", "sent"]


def test_opting_out_of_marketing_stops_marketing_and_nothing_else(world, smtp) -> None:
    """MSG-2: the one-click opt-out withdraws marketing; the member's other messages still go."""
    MarketingOptOut.objects.create(member_id=world.member.pk)
    note(world, "marketing")
    note(world, "notice-test")
    assert deliver_until_idle(now=timezone.now()) == Tally(sent=1, withdrawn=1)
    assert dict(Message.objects.values_list("kind", "last_error")) == {
        "marketing": "opted out of marketing",
        "notice-test": "",
    }


def test_with_reminders_turned_off_a_reminder_is_withdrawn_and_other_news_still_sent(world, smtp) -> None:
    choose_contact(actor=world.member, channels=["email"], reminders=False)
    note(world, "reminder")
    note(world, "rescheduled")
    assert deliver_until_idle(now=timezone.now()) == Tally(sent=1, withdrawn=1)
    assert Message.objects.get(kind="reminder").last_error == "reminders turned off"


def test_an_answer_asked_for_on_paper_goes_by_post_or_is_held_never_by_email(world, smtp, settings) -> None:
    """An answer the member asked for on paper is a letter to their postal address; with none, the
    office holds it."""
    note(world, "request-concluded", by_post=True)
    assert deliver_until_idle(now=timezone.now()) == Tally(held=1)
    assert Message.objects.get().last_error == "no allowed channel has an address"
    note(world, "request-concluded", by_post=True)
    hello(world)
    assert deliver_until_idle(now=timezone.now()) == Tally(sent=1, held=1), "one pass, both counted"
    choose_contact(actor=world.member, channels=["email", "letter"], postal_address=HOME)
    note(world, "request-concluded", by_post=True)
    assert deliver_until_idle(now=timezone.now()) == Tally(sent=1)
    assert len(smtp.received) == 1 and len(letters_sent(settings.MESSAGES_DIR)) == 1


def test_a_letter_is_addressed_to_the_member_by_name(world, smtp, monkeypatch) -> None:
    addressed = []
    original = delivery.render_letter

    def render_letter(**kwargs):
        addressed.append(kwargs["name"])
        return original(**kwargs)

    monkeypatch.setattr(delivery, "render_letter", render_letter)
    choose_contact(actor=world.member, channels=["letter"], postal_address=HOME)
    hello(world)
    assert deliver_until_idle(now=timezone.now()) == Tally(sent=1)
    assert addressed == [WORLD_MEMBER]


def test_a_member_whose_data_was_shredded_after_a_message_was_queued_is_written_to_by_nobody(world, smtp) -> None:
    hello(world)
    shred_member_data(member_id=world.member.pk)
    assert deliver_until_idle(now=timezone.now()) == Tally(withdrawn=1)
    assert (Message.objects.get().status, Message.objects.get().last_error) == ("withdrawn", "member data shredded")
    assert smtp.received == []


def test_a_message_to_an_address_the_member_gave_names_them_and_is_logged_as_such(world, smtp) -> None:
    """A message to someone the member named carries the member's name, and their access log says
    it went to "the person whose address you gave", never that it went to the member."""
    send_to_address(
        address="parent@example.test",
        subject="IndigoMed: about a member",
        body="A message about {member_name}.",
        reason="notice-test",
        naming_member_id=world.member.pk,
    )
    hello(world)
    assert deliver_until_idle(now=timezone.now()) == Tally(sent=2)
    [given] = smtp.to("parent@example.test")
    assert f"A message about {WORLD_MEMBER}." in given.get_content()
    assert len(smtp.to(address_of(world.member))) == 1
    logged = set(
        AccessLogEntry.objects.filter(member_id=world.member.pk, rule="message:notice-test").values_list(
            "recipient_ref", "purpose", "allowed"
        )
    )
    assert logged == {
        ("address-given:notice-test", "writing for you to someone you named", True),
        (f"member:{world.member.pk}", "writing to you", True),
    }


def test_withdrawing_a_visits_messages_takes_only_the_kinds_named_and_only_those_still_waiting(world) -> None:
    for kind in ("reminder", "follow-up"):
        enqueue(
            member_ids=[world.member.pk],
            kind=kind,
            template="notice",
            context={"subject": "IndigoMed", "body": "Text."},
            about_ref="appointment:x",
            due_at=timezone.now() + outbox.dt.timedelta(days=2),
        )
    assert withdraw(about_ref="appointment:x", kinds=["reminder"]) == 1
    assert dict(Message.objects.values_list("kind", "status")) == {"reminder": "withdrawn", "follow-up": "pending"}
    assert withdraw(about_ref="appointment:x") == 1
    assert withdraw(about_ref="appointment:x") == 0
