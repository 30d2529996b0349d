"""Opening the sealed address an account signs in with.

The address is opened only to write to the account holder about their own account or care —
sign-in mail, a referral made for them, a notice the privacy office owes them — or to show it to
them. So only ``records``, ``privacy`` and ``messaging`` import this module (an import-linter
contract keeps it so); every other room makes and compares keys with ``records.sign_in_keys``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q

from indigomed.records import crypto
from indigomed.records.models import ContactData
from indigomed.records.queries import contact_field_of
from indigomed.records.sign_in_keys import lookup_of_key

# Re-exported so that code allowed here (and tests) can make a key and open it from one place.
from indigomed.records.sign_in_keys import sign_in_key as sign_in_key
from indigomed.records.vault import Vault


class Holder(NamedTuple):
    """The account a sign-in key belongs to, and the address behind the key, opened."""

    user_id: int
    address: str


def holder_of(key: str) -> Holder | None:
    """Whose key this is and its address, current or being changed to; ``None`` when no account
    has it or its data key was shredded."""
    lookup = lookup_of_key(key)
    row = (
        ContactData.objects.filter(Q(email_lookup=lookup) | Q(pending_email_lookup=lookup))
        .values_list("member_id", "email_lookup", "email", "pending_email")
        .first()
    )
    if row is None:
        return None
    member_id, current_lookup, current, pending = row
    field, sealed = ("email", current) if current_lookup == lookup else ("pending_email", pending)
    try:
        address = Vault.open_for(member_id).open(ContactData, field, sealed)
    except crypto.Unreadable:
        return None
    return Holder(member_id, address) if address else None


def address_for(key: str) -> str | None:
    """The address behind a sign-in key, current or being changed to; ``None`` when no account has
    it or its key was shredded."""
    holder = holder_of(key)
    return holder.address if holder else None


def addresses_of(user_ids: Iterable[int]) -> dict[int, str]:
    """The addresses of several accounts, in two queries; accounts whose key is gone are left out."""
    return contact_field_of(user_ids, "email")
