"""Which way a message may go, and where, by the member's confidential-communication choice.

RIGHT-CONFCOMM: the member names the channels allowed, in their order, and the address or
number for each; a message goes the first allowed way that has somewhere to go, and when none
has, it is held for the privacy office: never sent another way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indigomed.messaging.channels import CHANNELS, EMAIL, LETTER, SMS

# Kinds a member can turn off with "no reminders".
REMINDER_KINDS = frozenset({"reminder", "follow-up"})


@dataclass(frozen=True)
class Choice:
    """A member's choice; with none made, e-mail to the address they sign in with."""

    channels: tuple[str, ...] = (EMAIL,)
    email: str | None = None
    phone: str | None = None
    postal_address: str | None = None
    reminders: bool = True
    # "Say only when": no practitioner or place in any message, whatever the visit.
    minimal: bool = False
    # The member named another address "instead of the one I sign in with": e-mail never goes to
    # the sign-in address, even while that other address still waits for its code.
    not_sign_in_address: bool = False

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> Choice:
        if not stored:
            return cls()
        return cls(
            channels=tuple(c for c in stored.get("channels", [EMAIL]) if c in CHANNELS),
            email=stored.get("email") or None,
            phone=stored.get("phone") or None,
            postal_address=stored.get("postal_address") or None,
            reminders=bool(stored.get("reminders", True)),
            minimal=bool(stored.get("minimal", False)),
            not_sign_in_address=bool(stored.get("not_sign_in_address", False)),
        )

    def stored(self) -> dict[str, Any]:
        return {
            "channels": list(self.channels),
            "email": self.email,
            "phone": self.phone,
            "postal_address": self.postal_address,
            "reminders": self.reminders,
            "minimal": self.minimal,
            "not_sign_in_address": self.not_sign_in_address,
        }


@dataclass(frozen=True)
class Route:
    channel: str
    to: str


def route(choice: Choice, *, sign_in_address: str | None) -> Route | None:
    """The first allowed channel with an address; ``None`` when the message must be held.

    Texts go only to the number chosen for them, validated and in E.164 when it was chosen, and
    checked with a code; e-mail to the other address the member named, once checked, or else to the
    address they sign in with unless they asked for "instead".
    """
    for channel in choice.channels:
        address = choice.email or (None if choice.not_sign_in_address else sign_in_address)
        if channel == EMAIL and address:
            return Route(EMAIL, address)
        if channel == SMS and choice.phone:
            return Route(SMS, choice.phone)
        if channel == LETTER and choice.postal_address:
            return Route(LETTER, choice.postal_address)
    return None
