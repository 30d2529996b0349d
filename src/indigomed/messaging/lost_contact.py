"""Lost or stolen contact data (SEC-4), on the messaging side: the lost value stops being used at
once, a new phone number is checked with a code texted to it before anything else goes there, and
the e-mail channel comes back once a new address is confirmed.

Until then a message goes the member's next allowed way that still has somewhere to go (a text
to a checked number, a letter); when none is left it is held for the privacy office, never sent
to the lost value (``routing.route``). The pending number, its code (as a keyed hash), expiry and
attempts live in the member's sealed contact choice, like the numbers themselves.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from indigomed.errors import Invalid
from indigomed.messaging import outbox
from indigomed.messaging.channels import EMAIL, SMS
from indigomed.messaging.phones import normalize_phone
from indigomed.records.queries import contact_preferences_of
from indigomed.records.services import set_contact_preferences, update_contact
from indigomed.records.vault import Vault

PHONE = "phone"
KINDS = (PHONE, EMAIL)
CODE_MINUTES = 15
CODE_ATTEMPTS = 5
PHONE_CHECK = "phone-check"
_PENDING = ("pending_phone", "pending_phone_code", "pending_phone_until", "pending_phone_tries")


def _choice(member_id: int) -> dict[str, Any]:
    vault = Vault.open_for(member_id)
    return dict(contact_preferences_of([member_id], {member_id: vault}).get(member_id) or {"channels": [EMAIL]})


def _code_hash(member_id: int, number: str, code: str) -> str:
    return salted_hmac("indigomed.phone-check", f"{member_id}:{number}:{code}").hexdigest()


def stop_using(*, member_id: int, kind: str) -> None:
    """Stop writing to the member's lost phone or e-mail at once, in the caller's transaction: a
    lost phone is removed from their contact data and their choice; a lost e-mail address is no
    longer written to until a new one is confirmed (``resume_email``)."""
    if kind not in KINDS:
        raise Invalid("Say whether a phone or an e-mail address was lost.")
    choice = _choice(member_id)
    channels = [c for c in choice.get("channels", [EMAIL]) if isinstance(c, str)]
    if kind == PHONE:
        choice.update(phone=None, channels=[c for c in channels if c != SMS])
        for key in _PENDING:
            choice.pop(key, None)
        update_contact(member_id=member_id, phone=None)
    else:
        choice.update(email=None, channels=[c for c in channels if c != EMAIL])
    set_contact_preferences(member_id=member_id, choice=choice)


def start_phone_check(*, member_id: int, phone: str, country: str = "US") -> None:
    """Text a six-digit code to a new number through the outbox; the number is used only once the
    member types the code back (``confirm_phone``). ``Invalid`` for a number that is not one."""
    number = normalize_phone(phone, country) if phone.strip() else None
    if number is None:
        raise Invalid("Enter a mobile number we can text, with its country code if it is not a US number.")
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        choice = _choice(member_id)
        choice.update(
            pending_phone=number,
            pending_phone_code=_code_hash(member_id, number, code),
            pending_phone_until=(timezone.now() + dt.timedelta(minutes=CODE_MINUTES)).isoformat(),
            pending_phone_tries=0,
        )
        set_contact_preferences(member_id=member_id, choice=choice)
        outbox.enqueue(
            member_ids=[member_id],
            kind=PHONE_CHECK,
            context={"code": code, "minutes": CODE_MINUTES, "by_sms": True},
            given_address=number,
        )


def phone_check_waiting(*, member_id: int) -> bool:
    """Whether a code was texted to a new number and can still be typed."""
    choice = _choice(member_id)
    until = choice.get("pending_phone_until")
    return bool(until) and dt.datetime.fromisoformat(str(until)) > timezone.now()


def confirm_phone(*, member_id: int, code: str) -> str:
    """The member typed the code texted to their new number: it becomes their phone, and texts may
    go to it again. Returns the number. ``Invalid`` for a wrong, expired or overused code (each
    wrong try counts; after ``CODE_ATTEMPTS`` a new code must be asked for)."""
    with transaction.atomic():
        choice = _choice(member_id)
        number = str(choice.get("pending_phone") or "")
        until = choice.get("pending_phone_until")
        if not number or not until or dt.datetime.fromisoformat(str(until)) <= timezone.now():
            raise Invalid("This code has expired or was never sent: ask for a new one.", field="code")
        tries = int(choice.get("pending_phone_tries") or 0)
        if tries >= CODE_ATTEMPTS:
            raise Invalid("Too many wrong codes: ask for a new one.", field="code")
        expected = str(choice.get("pending_phone_code") or "")
        if not hmac.compare_digest(expected, _code_hash(member_id, number, code.strip())):
            choice["pending_phone_tries"] = tries + 1
            set_contact_preferences(member_id=member_id, choice=choice)
            raise Invalid("That code is not the one we texted.", field="code")
        for key in _PENDING:
            choice.pop(key, None)
        channels = [c for c in choice.get("channels", []) if isinstance(c, str)]
        choice.update(phone=number, channels=[*channels, SMS] if SMS not in channels else channels)
        set_contact_preferences(member_id=member_id, choice=choice)
        update_contact(member_id=member_id, phone=number)
    return number


def resume_email(*, member_id: int) -> None:
    """A new address was confirmed: e-mail goes to it again (first, as before the loss)."""
    choice = _choice(member_id)
    channels = [c for c in choice.get("channels", []) if isinstance(c, str)]
    if EMAIL not in channels:
        choice["channels"] = [EMAIL, *channels]
        set_contact_preferences(member_id=member_id, choice=choice)
