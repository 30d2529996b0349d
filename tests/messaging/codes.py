"""Typing back the code sent to a new number or address, as the member would (``contact_checks``)."""

from __future__ import annotations

import json
from typing import Any

from indigomed.messaging import contact_checks
from indigomed.messaging.confidential import choose_contact, contact_checks_waiting
from indigomed.messaging.models import Message
from indigomed.records.vault import Vault


def code_sent(member_id: int, kind: str = "phone") -> str:
    """The code in the last check message written to the member's new number or address."""
    row = Message.objects.filter(member_id=member_id, kind=f"{kind}-check").latest("pk")
    return str(json.loads(Vault.open_for(member_id).open(Message, "context", row.context) or "{}")["code"])


def choose_checked(*, actor: Any, **choice: Any) -> None:
    """``choose_contact``, then each code sent typed back: the number and address are in use."""
    choose_contact(actor=actor, **choice)
    for kind in contact_checks_waiting(actor=actor):
        contact_checks.confirm(member_id=actor.pk, kind=kind, code=code_sent(actor.pk, kind))


def is_code(text: str) -> bool:
    """Whether a text or a subject is a code sent to check a number or address."""
    return "your code" in text.lower() or "votre code" in text.lower()
