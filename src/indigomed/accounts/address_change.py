"""A member changing the address they sign in with: allauth runs the confirmation, these keep the
sealed copy in step with it (``records.sign_in_keys``)."""

from __future__ import annotations

from typing import Any

from indigomed.records.sign_in_keys import adopt_pending_address, forget_pending_address, is_sign_in_key


def adopt_confirmed_address(sender: Any, email_address: Any, **_: Any) -> None:
    """The confirmed address becomes the sealed one; confirming the current address changes nothing."""
    if is_sign_in_key(email_address.email):
        adopt_pending_address(user_id=email_address.user_id, key=email_address.email)


def forget_cancelled_address(sender: Any, email_address: Any, **_: Any) -> None:
    """A change the member cancelled leaves no sealed copy of the address behind."""
    if is_sign_in_key(email_address.email):
        forget_pending_address(user_id=email_address.user_id, key=email_address.email)
