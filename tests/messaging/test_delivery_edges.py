"""MSG-1 at its edges: which refusals are final, a worker handing back what it can no longer
finish within its claim, and the Message-ID a message carries wherever it is sent from."""

from __future__ import annotations

import smtplib
import uuid

import pytest
from django.utils import timezone

from indigomed.messaging import channels, outbox
from indigomed.messaging.models import DeliveryAttempt, Message
from indigomed.messaging.outbox import Tally, deliver_batch, deliver_until_idle, message_id
from indigomed.messaging.services import send_to_member


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
    assert message.next_attempt_at == now + outbox.dt.timedelta(seconds=60)
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
    monkeypatch.setattr(outbox, "time", Clock(later=0.85 * claim_seconds))
    now = timezone.now()
    assert deliver_batch(now=now, worker="tired") == Tally()
    assert smtp.received == []
    rows = list(Message.objects.values_list("status", "attempts"))
    assert rows == [("pending", 0), ("pending", 0)]
    assert all(at <= timezone.now() for at in Message.objects.values_list("next_attempt_at", flat=True))


def test_a_worker_within_its_claim_sends_every_row_and_counts_them(world, smtp, monkeypatch, settings) -> None:
    hello(world, 2)
    claim_seconds = settings.INDIGOMED["MESSAGE_CLAIM_SECONDS"]
    monkeypatch.setattr(outbox, "time", Clock(later=0.75 * claim_seconds))
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
