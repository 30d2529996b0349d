"""Sign-in keys, and sealing the address an account signs in with as it is typed.

Any room may use these: they turn an address in hand into its key and seal it, never open one.
Opening a sealed address is ``records.sign_in``'s, which only records, privacy and messaging import.

The accounts tables (ours and allauth's) hold only a *sign-in key*: the address's keyed hash,
shaped as an address at ``sealed.invalid``. Sign-in, sign-up and password-reset look-ups hash
what the person typed and compare keys, so they never need the address; anything that tried to
mail a key by mistake would fail, because the ``.invalid`` domain never resolves (RFC 2606).

The address itself is the account's sealed contact e-mail.
"""

from __future__ import annotations

from django.utils import timezone

from indigomed.records import crypto
from indigomed.records.keys import key_ring
from indigomed.records.models import ContactData
from indigomed.records.vault import Vault

SEALED_DOMAIN = "sealed.invalid"


def normalize_address(address: str) -> str:
    return address.strip().lower()


def _lookup_of(address: str) -> str:
    return crypto.lookup_hash(key_ring(), "email", address)


def _key_of(lookup: str) -> str:
    return f"{lookup}@{SEALED_DOMAIN}"


def sign_in_key(address: str) -> str:
    """What the accounts tables store for ``address``; the same for any case or surrounding space."""
    return _key_of(_lookup_of(address))


def is_sign_in_key(value: str) -> bool:
    local, _, domain = value.partition("@")
    return domain == SEALED_DOMAIN and len(local) == 64


def lookup_of_key(key: str) -> str:
    """The keyed hash a sign-in key carries; ``ValueError`` for anything else."""
    if not is_sign_in_key(key):
        raise ValueError("not a sign-in key")
    return key.partition("@")[0]


def seal_address(*, user_id: int, address: str) -> str:
    """Seal the account's address (making its data key on first use) and return its sign-in key."""
    address = normalize_address(address)
    vault = Vault.create_for(user_id)
    sealed = vault.seal(ContactData, "email", address)
    lookup = _lookup_of(address)
    ContactData.objects.update_or_create(
        member_id=user_id, defaults={"email": sealed, "email_lookup": lookup, "updated_at": timezone.now()}
    )
    return _key_of(lookup)


def seal_pending_address(*, user_id: int, address: str) -> str:
    """Seal an address the account holder is changing to, until they confirm it; its sign-in key."""
    address = normalize_address(address)
    vault = Vault.open_for(user_id)
    lookup = _lookup_of(address)
    ContactData.objects.filter(member_id=user_id).update(
        pending_email=vault.seal(ContactData, "pending_email", address), pending_email_lookup=lookup
    )
    return _key_of(lookup)


def adopt_pending_address(*, user_id: int, key: str) -> bool:
    """The account holder confirmed the address they were changing to: it becomes their address."""
    lookup = lookup_of_key(key)
    sealed = (
        ContactData.objects.filter(member_id=user_id, pending_email_lookup=lookup)
        .values_list("pending_email", flat=True)
        .first()
    )
    if sealed is None:
        return False
    vault = Vault.open_for(user_id)
    address = vault.open(ContactData, "pending_email", sealed)
    ContactData.objects.filter(member_id=user_id).update(
        email=vault.seal(ContactData, "email", address),
        email_lookup=lookup,
        pending_email=None,
        pending_email_lookup="",
        updated_at=timezone.now(),
    )
    return True


def forget_pending_address(*, user_id: int, key: str) -> None:
    """The change to ``key``'s address was cancelled: its sealed copy goes."""
    ContactData.objects.filter(member_id=user_id, pending_email_lookup=lookup_of_key(key)).update(
        pending_email=None, pending_email_lookup=""
    )


def retire_address(*, user_id: int) -> None:
    """The address the account signs in with was reported compromised: its sealed copy is emptied
    and its look-up cleared, so nothing is written to it and no look-up finds the account by it.
    An address the account was being changed to goes too: it may be the thief's."""
    vault = Vault.open_for(user_id)
    ContactData.objects.filter(member_id=user_id).update(
        email=vault.seal(ContactData, "email", ""),
        email_lookup="",
        pending_email=None,
        pending_email_lookup="",
        updated_at=timezone.now(),
    )
