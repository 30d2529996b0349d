"""Lost or stolen contact data (SEC-4), on the messaging side: the lost value stops being used at
once, a new phone number is checked with a code texted to it before anything else goes there
(``contact_checks``), and the e-mail channel comes back once a new address is confirmed.

Until then a message goes the member's next allowed way that still has somewhere to go (a text
to a checked number, a letter); when none is left it is held for the privacy office, never sent
to the lost value (``routing.route``).
"""

from __future__ import annotations

from django.utils.translation import gettext

from indigomed.errors import Invalid
from indigomed.messaging import contact_checks
from indigomed.messaging.channels import EMAIL, SMS
from indigomed.messaging.contact_checks import PHONE, stored_choice
from indigomed.messaging.phones import normalize_phone
from indigomed.records.services import set_contact_preferences, update_contact

KINDS = (PHONE, EMAIL)


def stop_using(*, member_id: int, kind: str) -> None:
    """Stop writing to the member's lost phone or e-mail at once, in the caller's transaction: a
    lost phone is removed from their contact data and their choice; a lost e-mail address is no
    longer written to until a new one is confirmed (``resume_email``). A value of that kind still
    waiting for its code is dropped too: it was given before the loss, perhaps by the thief."""
    if kind not in KINDS:
        raise Invalid(gettext("Say whether a phone or an e-mail address was lost."))
    choice = stored_choice(member_id)
    channels = [c for c in choice.get("channels", [EMAIL]) if isinstance(c, str)]
    contact_checks.drop_pending(choice, kind)
    if kind == PHONE:
        choice.update(phone=None, channels=[c for c in channels if c != SMS])
        update_contact(member_id=member_id, phone=None)
    else:
        choice.update(email=None, channels=[c for c in channels if c != EMAIL])
    set_contact_preferences(member_id=member_id, choice=choice)


def start_phone_check(*, member_id: int, phone: str, country: str = "US") -> None:
    """Text a six-digit code to a new number after a loss; once typed back, the number is the
    member's phone and texts may go to it again. ``Invalid`` for a number that is not one."""
    if not phone.strip():
        raise Invalid(gettext("Enter a mobile number we can text, with its country code if it is not a US number."))
    number = normalize_phone(phone, country)
    contact_checks.start(member_id=member_id, kind=PHONE, value=number, adds_channel=True)


def phone_check_waiting(*, member_id: int) -> bool:
    """Whether a code was texted to a new number and can still be typed."""
    return contact_checks.waiting(member_id=member_id, kind=PHONE) is not None


def confirm_phone(*, member_id: int, code: str) -> str:
    """The member typed the code texted to their new number; returns the number."""
    return contact_checks.confirm(member_id=member_id, kind=PHONE, code=code)


def resume_email(*, member_id: int) -> None:
    """A new address was confirmed: e-mail goes to it again (first, as before the loss)."""
    choice = stored_choice(member_id)
    channels = [c for c in choice.get("channels", []) if isinstance(c, str)]
    # The confirmed address is the one signed in with now, so e-mail may go to it.
    choice.update(channels=channels if EMAIL in channels else [EMAIL, *channels], not_sign_in_address=False)
    set_contact_preferences(member_id=member_id, choice=choice)
