"""The e-mail address an account signs in with, kept sealed like any other contact data.

The accounts tables (ours and allauth's) hold only a *sign-in key*: the address's keyed hash,
shaped as an address at ``sealed.invalid``. Sign-in, sign-up and password-reset look-ups hash
what the person typed and compare keys, so they never need the address; anything that tried to
mail a key by mistake would fail, because the ``.invalid`` domain never resolves (RFC 2606).

The address itself is the account's sealed contact e-mail. It is opened only to write to the
account holder about their own account or care — sign-in mail, a referral made for them, a
notice the privacy office owes them — which is not a disclosure to anyone else.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from indigomed.records import crypto
from indigomed.records.keys import key_ring
from indigomed.records.models import ContactData
from indigomed.records.queries import contact_field_of
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


def _lookup(key: str) -> str:
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
    lookup = _lookup(key)
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
    ContactData.objects.filter(member_id=user_id, pending_email_lookup=_lookup(key)).update(
        pending_email=None, pending_email_lookup=""
    )


def address_for(key: str) -> str | None:
    """The address behind a sign-in key, current or being changed to; ``None`` when no account has
    it or its key was shredded."""
    lookup = _lookup(key)
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
        return Vault.open_for(member_id).open(ContactData, field, sealed)
    except crypto.Unreadable:
        return None


def addresses_of(user_ids: Iterable[int]) -> dict[int, str]:
    """The addresses of several accounts, in two queries; accounts whose key is gone are left out."""
    return contact_field_of(user_ids, "email")
