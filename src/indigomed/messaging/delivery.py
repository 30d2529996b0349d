"""The outbox's delivery: claiming due rows, delivering them, recording what happened.

Never sent twice: workers claim rows (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's
write transactions run one at a time) and the claim moves ``next_attempt_at`` to the claim's end,
so a worker killed mid-batch frees its rows when the claim lapses. The one message such a worker
may have sent without recording it goes again with the same Message-ID: SMTP has no idempotency,
so a receiver's de-duplication on the Message-ID is the only guard against that single repeat.
Rows are written by ``messaging.outbox``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from indigomed.conf import product_setting
from indigomed.messaging import channels
from indigomed.messaging.models import DeliveryAttempt, MarketingOptOut, Message
from indigomed.messaging.rendering import for_guardian, render, render_letter
from indigomed.messaging.routing import REMINDER_KINDS, Choice, Route, route
from indigomed.records.queries import Reachable, contact_preferences_of, reachable
from indigomed.records.sign_in_keys import SEALED_DOMAIN
from indigomed.records.vault import Vault
from indigomed.security.services import Access, log_accesses

log = logging.getLogger(__name__)
MARKETING = "marketing"
Status = Message.Status
Outcome = DeliveryAttempt.Outcome
WRITING_TO_YOU = "writing to you"
WRITING_ABOUT_YOU = "writing for you to someone you named"
_LABEL = {channels.EMAIL: "You, by e-mail", channels.SMS: "You, by text message", channels.LETTER: "You, by post"}
_GUARDIAN_LABEL = {
    channels.EMAIL: "Your guardian, by e-mail",
    channels.SMS: "Your guardian, by text message",
    channels.LETTER: "Your guardian, by post",
}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def message_id(public_id: uuid.UUID | str) -> str:
    """The Message-ID a message carries on every attempt, so a resend is recognisably the same."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "indigomed.invalid"
    return f"<{public_id}@{domain}>"


# --- Claiming -----------------------------------------------------------------------------------


def claim(*, worker: str, now: dt.datetime, batch: int, ids: list[int] | None = None) -> list[int]:
    """Take up to ``batch`` due messages for this worker until the claim lapses."""
    until = now + dt.timedelta(seconds=int(product_setting("MESSAGE_CLAIM_SECONDS")))
    with transaction.atomic():
        due = Message.objects.filter(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now)
        if ids is not None:
            due = due.filter(pk__in=ids)
        picked = list(
            due.order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch]
        )
        if picked:
            Message.objects.filter(pk__in=picked).update(
                status=Status.SENDING, claimed_by=worker, next_attempt_at=until, attempts=F("attempts") + 1
            )
    return picked


# --- Delivering ---------------------------------------------------------------------------------


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    held: int = 0
    withdrawn: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.held + self.withdrawn


def _languages_of(member_ids: set[int]) -> dict[int, str]:
    return dict(import_string(settings.MESSAGING_LANGUAGES_OF)(member_ids))


def _readers_of(member_ids: set[int]) -> dict[int, int]:
    """Who reads each member's messages when it is not the member: a dependent's guardian (CHILD-3)."""
    return dict(import_string(settings.MESSAGING_READERS_OF)(member_ids))


def deliver_batch(
    *, worker: str | None = None, now: dt.datetime | None = None, batch: int | None = None, ids: list[int] | None = None
) -> Tally:
    """Claim one batch of due messages and deliver each, recording every attempt as it ends."""
    worker = worker or worker_name()
    now = now or timezone.now()
    claim_started = time.monotonic()
    picked = claim(worker=worker, now=now, batch=batch or int(product_setting("MESSAGE_BATCH")), ids=ids)
    tally = Tally()
    if not picked:
        return tally
    rows = list(Message.objects.filter(pk__in=picked).order_by("next_attempt_at", "pk"))
    members = {row.member_id for row in rows}
    # A dependent's messages go to their guardian, the guardian's way (CHILD-3): the routing below
    # reads the guardian's address, choices and language, and the message stays the dependent's.
    readers = _readers_of(members)
    everyone = members | set(readers.values())
    vaults = Vault.open_many(everyone)
    contacts = reachable(everyone, vaults)
    choices = contact_preferences_of(everyone, vaults)
    languages = _languages_of(everyone)
    # Leave time to record the last message before the claim lapses and another worker takes it.
    deadline = claim_started + int(product_setting("MESSAGE_CLAIM_SECONDS")) * 0.8
    mailer = channels.Mailer()
    try:
        for index, row in enumerate(rows):
            if time.monotonic() > deadline:
                _release([r.pk for r in rows[index:]], worker)
                break
            if not row.to_given_address:
                row.reader_id = readers.get(row.member_id, row.member_id)  # type: ignore[attr-defined]
            _deliver_one(row, worker, now, vaults.get(row.member_id), contacts, choices, languages, mailer, tally)
    finally:
        mailer.close()
    return tally


def _release(pks: list[int], worker: str) -> None:
    Message.objects.filter(pk__in=pks, status=Status.SENDING, claimed_by=worker).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), attempts=F("attempts") - 1
    )


def _deliver_one(
    row: Message,
    worker: str,
    now: dt.datetime,
    vault: Vault | None,
    contacts: dict[int, Reachable],
    choices: dict[int, dict[str, object]],
    languages: dict[int, str],
    mailer: channels.Mailer,
    tally: Tally,
) -> None:
    if vault is None:
        # The member's data was shredded: there is nothing left to say or anywhere to say it.
        _finish(row, worker, now, Status.WITHDRAWN, Outcome.WITHDRAWN, "", "member data shredded")
        tally.withdrawn += 1
        return
    context = json.loads(vault.open(Message, "context", row.context) or "{}")
    reader = getattr(row, "reader_id", row.member_id)
    contact = contacts.get(reader, Reachable(None, None, None))
    choice = Choice.from_stored(choices.get(reader))
    if row.to_given_address:
        # A number given in hand (a new phone being checked) is texted; any other given address e-mailed.
        way: Route | None = Route(
            channels.SMS if context.pop("by_sms", False) else channels.EMAIL, str(context.pop("to"))
        )
    else:
        if row.kind == MARKETING and MarketingOptOut.objects.filter(member_id=row.member_id).exists():
            _finish(row, worker, now, Status.WITHDRAWN, Outcome.WITHDRAWN, "", "opted out of marketing")
            tally.withdrawn += 1
            return
        if row.kind in REMINDER_KINDS and not choice.reminders:
            _finish(row, worker, now, Status.WITHDRAWN, Outcome.WITHDRAWN, "", "reminders turned off")
            tally.withdrawn += 1
            return
        # A dependent's placeholder address (CHILD-3) reaches nobody: with no other way, the message is held.
        own = contact.email if contact.email and not contact.email.endswith(f"@{SEALED_DOMAIN}") else None
        way = route(choice, sign_in_address=own)
        if context.get("by_post"):
            # Asked for on paper (an accounting): a letter to the member's own postal address, or held.
            way = Route(channels.LETTER, choice.postal_address) if choice.postal_address else None
    if way is None:
        # RIGHT-CONFCOMM: no allowed way has an address; the office sees it, nothing goes another way.
        _finish(row, worker, now, Status.HELD, Outcome.HELD, "", "no allowed channel has an address")
        tally.held += 1
        return
    if choice.minimal and not row.to_given_address:
        context["discreet"] = True
    language = languages.get(reader, "en")
    mid = message_id(row.public_id)
    try:
        if row.to_given_address and "member_name" in context:
            # The one thing of the member's a message to someone they named carries, opened now.
            context["member_name"] = contact.name or ""
            if "body" in context:
                context["body"] = str(context["body"]).replace("{member_name}", contact.name or "")
        headers: dict[str, str] = {}
        if row.kind == MARKETING:
            # RFC 8058: mail clients offer a one-click unsubscribe that POSTs to this address.
            context["opt_out"] = settings.SITE_URL + reverse("marketing_opt_out", args=[row.public_id])
            headers = {
                "List-Unsubscribe": f"<{context['opt_out']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        text = render(kind=row.template, language=language, context=context)
        if reader != row.member_id:
            text = for_guardian(
                text, language=language, name=contacts.get(row.member_id, Reachable(None, None, None)).name
            )
        if way.channel == channels.EMAIL:
            mailer.send(message_id=mid, to=way.to, subject=text.subject, body=text.body, headers=headers)
        elif way.channel == channels.SMS:
            channels.sms_backend().send(message_id=mid, to=way.to, text=text.sms)
        else:
            html = render_letter(
                language=language,
                rendered=text,
                name=contact.name or "",
                postal_address=way.to,
                message_id=mid,
            )
            channels.letter_backend().send(letter=channels.make_letter(message_id=mid, html=html))
    except Exception as exc:
        _failed(row, worker, now, way.channel, exc)
        tally.failed += 1
        return
    _finish(row, worker, now, Status.SENT, Outcome.SENT, way.channel, "")
    tally.sent += 1


def _access(row: Message, channel: str) -> Access:
    if row.to_given_address:
        return Access(
            member_id=row.member_id,
            actor_user_id=row.actor_user_id,
            # The address itself is a value, so the log names only the message.
            recipient_ref=f"address-given:{row.kind}",
            recipient_label="The person whose address you gave us, by e-mail",
            purpose=WRITING_ABOUT_YOU,
            categories="contact",
            allowed=True,
            rule=f"message:{row.kind}",
        )
    reader = getattr(row, "reader_id", row.member_id)
    if reader != row.member_id:
        recipient_ref, label = f"guardian:{reader}", _GUARDIAN_LABEL.get(channel, "Your guardian")
    else:
        recipient_ref, label = f"member:{row.member_id}", _LABEL.get(channel, "You")
    return Access(
        member_id=row.member_id,
        actor_user_id=row.actor_user_id,
        recipient_ref=recipient_ref,
        recipient_label=label,
        purpose=WRITING_TO_YOU,
        categories="contact",
        allowed=True,
        rule=f"message:{row.kind}",
    )


# On PostgreSQL a delivery is recorded in one statement (one round trip, one commit): the
# message, its attempt and the member's access-log entry, all or nothing.
_RECORD_SENT = """
WITH sent AS (
    UPDATE messaging_message SET status = 'sent', channel = %s, delivered_at = %s, last_error = ''
    WHERE id = %s AND status = 'sending' AND claimed_by = %s
    RETURNING id
), attempt AS (
    INSERT INTO messaging_deliveryattempt (message_id, at, worker, channel, outcome, detail)
    VALUES (%s, %s, %s, %s, 'sent', '')
)
INSERT INTO security_accesslogentry
    (at, member_id, actor_user_id, recipient_ref, recipient_label, purpose, categories, allowed, rule)
SELECT %s, %s, %s, %s, %s, %s, %s, true, %s FROM sent
"""


def _finish(row: Message, worker: str, now: dt.datetime, status: str, outcome: str, channel: str, detail: str) -> None:
    if status == Status.SENT and connection.vendor == "postgresql":
        a = _access(row, channel)
        with connection.cursor() as cursor:
            cursor.execute(
                _RECORD_SENT,
                [
                    channel, now, row.pk, worker,
                    row.pk, now, worker, channel,
                    timezone.now(), a.member_id, a.actor_user_id, a.recipient_ref, a.recipient_label,
                    a.purpose, a.categories, a.rule,
                ],
            )  # fmt: skip
        return
    with transaction.atomic():
        changed = Message.objects.filter(pk=row.pk, status=Status.SENDING, claimed_by=worker).update(
            status=status,
            channel=channel,
            delivered_at=now if status == Status.SENT else None,
            last_error=detail,
        )
        DeliveryAttempt.objects.create(
            message_id=row.pk, at=now, worker=worker, channel=channel, outcome=outcome, detail=detail
        )
        if changed and status == Status.SENT:
            log_accesses([_access(row, channel)])


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # One recipient a message: its refusal is the server's answer.
        codes = [code for code, _ in exc.recipients.values()]
        return max(codes) if codes else None
    code = getattr(exc, "smtp_code", None)
    return code if isinstance(code, int) else None


def _failed(row: Message, worker: str, now: dt.datetime, channel: str, exc: Exception) -> None:
    # The error's class and SMTP code only: an exception's text may quote the address.
    code = _smtp_code(exc)
    # RFC 5321 4.2.1: a 5yz reply is permanent; sending the same message again would be refused
    # again, so it goes to the office's dead letters at once instead of after every retry.
    permanent = code is not None and 500 <= code < 600
    detail = f"{type(exc).__name__}{f' {code}' if code else ''}{' permanent' if permanent else ''}"
    attempts = Message.objects.filter(pk=row.pk).values_list("attempts", flat=True).first() or 1
    dead = permanent or attempts >= int(product_setting("MESSAGE_MAX_ATTEMPTS"))
    base = int(product_setting("MESSAGE_RETRY_BASE_SECONDS"))
    wait = min(base * 2 ** (attempts - 1), int(product_setting("MESSAGE_RETRY_CAP_SECONDS")))
    with transaction.atomic():
        Message.objects.filter(pk=row.pk, status=Status.SENDING, claimed_by=worker).update(
            status=Status.DEAD if dead else Status.PENDING,
            next_attempt_at=now + dt.timedelta(seconds=wait),
            last_error=detail,
        )
        DeliveryAttempt.objects.create(
            message_id=row.pk, at=now, worker=worker, channel=channel, outcome=Outcome.FAILED, detail=detail
        )
    log.warning("Message %s not delivered (%s), attempt %s.", row.public_id, detail, attempts)


def deliver_after_commit(ids: list[int]) -> None:
    """Try the rows just written at once; whatever fails stays queued for the worker."""
    try:
        deliver_batch(ids=ids, batch=len(ids))
    except Exception as exc:  # the rows are committed: the worker will send them
        log.warning("Immediate delivery failed (%s); the worker will retry.", type(exc).__name__)


def deliver_until_idle(*, worker: str | None = None, now: dt.datetime | None = None) -> Tally:
    """Deliver batches until nothing is due (the worker's loop, and tests' way to drain the outbox)."""
    total = Tally()
    while True:
        tally = deliver_batch(worker=worker, now=now)
        if tally.handled == 0:
            return total
        for name in ("sent", "failed", "held", "withdrawn"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
