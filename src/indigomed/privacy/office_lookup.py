"""The office finding a member's account by the address it signs in with, for rooms above privacy
that may not read records themselves (one door)."""

from __future__ import annotations

from indigomed.records.queries import member_by_email


def member_id_for_address(address: str) -> int | None:
    """The id of the account signing in with ``address``, or ``None``: a keyed-hash look-up."""
    return member_by_email(address)
