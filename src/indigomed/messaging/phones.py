"""Phone numbers as the platform keeps them: validated, in E.164."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext

from indigomed.errors import Invalid


def normalize_phone(text: str, country: str = "US") -> str:
    """``text`` in E.164 (+33612345678), read as a number of ``country`` unless it starts with +.

    Raises ``Invalid`` with a message for anything that is not a possible, valid number.
    """
    try:
        number = phonenumbers.parse(text.strip(), country.upper() or "US")
    except phonenumbers.NumberParseException as exc:
        raise Invalid(
            gettext("That phone number cannot be read; write it with its country code: +1 212 555 0100.")
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise Invalid(gettext("That is not a valid phone number; check its digits and country code."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
