"""Checking a new phone number or e-mail address before anything is sent to it (SEC-4).

One mechanism for every place a member gives a new number or address: a number after a lost phone
(``/me/lost-contact/``), and a number or another address on the contact page (``/me/contact/``).
A six-digit code goes to the new value alone (through the outbox, as a message "to a given
address"); the value is used only once the member types the code back. Until then messages keep
going the ways already checked, or are held for the office (``routing.route``).

The code is kept only as a keyed hash (bound to the member, the value and the kind), lives
``CODE_MINUTES``, allows ``CODE_ATTEMPTS`` wrong tries, is compared in constant time and is gone
once used. New codes are rate-limited per member: one per ``RESEND_SECONDS``, ``CODES_PER_HOUR``
an hour. All of it lives in the member's sealed contact choice, like the numbers themselves.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from indigomed.errors import Invalid
from indigomed.messaging import outbox
from indigomed.messaging.channels import EMAIL, SMS
from indigomed.records.queries import contact_preferences_of
from indigomed.records.services import set_contact_preferences, update_contact
from indigomed.records.vault import Vault

PHONE = "phone"
KINDS = (PHONE, EMAIL)
CODE_MINUTES = 15
CODE_ATTEMPTS = 5
RESEND_SECONDS = 60
CODES_PER_HOUR = 5
TEMPLATE = "phone-check"  # one message for both: "your code is …", by text or by e-mail
_CHANNEL = {PHONE: SMS, EMAIL: EMAIL}


def pending_keys(kind: str) -> tuple[str, ...]:
    """The choice's entries for a value waiting for its code (the phone's are the original names)."""
    return tuple(f"pending_{kind}{suffix}" for suffix in ("", "_code", "_until", "_tries", "_adds_channel"))


def _sent_key(kind: str) -> str:
    # Kept apart from the pending entries: a new loss or a removed value must not reset the limit.
    return f"{kind}_codes_sent"


def stored_choice(member_id: int) -> dict[str, Any]:
    """The member's stored contact choice as a dict (e-mail only when none was made)."""
    vault = Vault.open_for(member_id)
    return dict(contact_preferences_of([member_id], {member_id: vault}).get(member_id) or {"channels": [EMAIL]})


def _code_hash(member_id: int, kind: str, value: str, code: str) -> str:
    return salted_hmac(f"indigomed.{kind}-check", f"{member_id}:{value}:{code}").hexdigest()


def drop_pending(choice: dict[str, Any], kind: str) -> None:
    for key in pending_keys(kind):
        choice.pop(key, None)


def waiting_value(choice: dict[str, Any], kind: str) -> str | None:
    """The value waiting for its code in ``choice``, while its code can still be typed."""
    value, _code, until, _tries, _adds = pending_keys(kind)
    if not choice.get(value) or not choice.get(until):
        return None
    if dt.datetime.fromisoformat(str(choice[until])) <= timezone.now():
        return None
    return str(choice[value])


def waiting(*, member_id: int, kind: str) -> str | None:
    """The new number or address that was sent a code which can still be typed, if any."""
    return waiting_value(stored_choice(member_id), kind)


def _refuse_too_soon(choice: dict[str, Any], kind: str, now: dt.datetime) -> list[str]:
    sent = [str(t) for t in choice.get(_sent_key(kind), []) if isinstance(t, str)]
    recent = [t for t in sent if dt.datetime.fromisoformat(t) > now - dt.timedelta(hours=1)]
    if recent and dt.datetime.fromisoformat(max(recent)) > now - dt.timedelta(seconds=RESEND_SECONDS):
        raise Invalid(gettext("We sent a code a moment ago: wait a minute before asking for another."), field="code")
    if len(recent) >= CODES_PER_HOUR:
        raise Invalid(gettext("Too many codes asked for in an hour: try again later."), field="code")
    return recent


def start(*, member_id: int, kind: str, value: str, adds_channel: bool) -> None:
    """Send a fresh code to ``value`` (already validated: E.164, or an address), in the caller's
    transaction if any. ``adds_channel``: once checked, the value's channel joins the member's
    allowed ways (after a loss); otherwise their chosen ways stay as they are. A new code replaces
    any earlier one. ``Invalid`` when codes were asked for too often."""
    now = timezone.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        choice = stored_choice(member_id)
        recent = _refuse_too_soon(choice, kind, now)
        pending, hashed, until, tries, adds = pending_keys(kind)
        choice.update(
            {
                pending: value,
                hashed: _code_hash(member_id, kind, value, code),
                until: (now + dt.timedelta(minutes=CODE_MINUTES)).isoformat(),
                tries: 0,
                adds: adds_channel,
                _sent_key(kind): [*recent, now.isoformat()],
            }
        )
        set_contact_preferences(member_id=member_id, choice=choice)
        outbox.enqueue(
            member_ids=[member_id],
            kind=f"{kind}-check",
            template=TEMPLATE,
            context={"code": code, "minutes": CODE_MINUTES, "by_sms": kind == PHONE},
            given_address=value,
        )


def resend(*, member_id: int, kind: str) -> str:
    """A new code for the value still waiting (rate-limited like any code); returns the value.
    ``Invalid`` when none is waiting."""
    choice = stored_choice(member_id)
    value = str(choice.get(pending_keys(kind)[0]) or "")
    if not value:
        raise Invalid(gettext("No new number or address is waiting for a code."), field="code")
    start(member_id=member_id, kind=kind, value=value, adds_channel=bool(choice.get(pending_keys(kind)[4], True)))
    return value


def confirm(*, member_id: int, kind: str, code: str) -> str:
    """The member typed the code sent to their new value: it becomes theirs and messages may go to
    it. Returns the value. ``Invalid`` for a wrong, expired, used or overused code (each wrong try
    counts; after ``CODE_ATTEMPTS`` a new code must be asked for)."""
    refusal: Invalid | None = None
    with transaction.atomic():
        choice = stored_choice(member_id)
        pending, hashed, until, tries_key, adds = pending_keys(kind)
        value = str(choice.get(pending) or "")
        if not value or not choice.get(until) or dt.datetime.fromisoformat(str(choice[until])) <= timezone.now():
            raise Invalid(gettext("This code has expired or was never sent: ask for a new one."), field="code")
        tries = int(choice.get(tries_key) or 0)
        if tries >= CODE_ATTEMPTS:
            raise Invalid(gettext("Too many wrong codes: ask for a new one."), field="code")
        expected = str(choice.get(hashed) or "")
        if not hmac.compare_digest(expected, _code_hash(member_id, kind, value, code.strip())):
            # Counted in this transaction, which commits: the refusal is raised after it.
            choice[tries_key] = tries + 1
            set_contact_preferences(member_id=member_id, choice=choice)
            refusal = Invalid(gettext("That code is not the one we sent."), field="code")
        else:
            adds_channel = bool(choice.get(adds, True))
            drop_pending(choice, kind)
            channels = [c for c in choice.get("channels", []) if isinstance(c, str)]
            channel = _CHANNEL[kind]
            if adds_channel and channel not in channels:
                channels.append(channel)
            choice.update({kind: value, "channels": channels})
            set_contact_preferences(member_id=member_id, choice=choice)
            if kind == PHONE and adds_channel:
                # A number replacing a lost one is the member's phone again, as before the loss.
                update_contact(member_id=member_id, phone=value)
    if refusal is not None:
        raise refusal
    return value
