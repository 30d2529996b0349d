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

from django.utils import timezone

from indigomed.records import crypto
from indigomed.records.keys import key_ring
from indigomed.records.models import ContactData
from indigomed.records.vault import Vault

SEALED_DOMAIN = "sealed.invalid"


def normalize_address(address: str) -> str:
    return address.strip().lower()


def sign_in_key(address: str) -> str:
    """What the accounts tables store for ``address``; the same for any case or surrounding space."""
    return f"{crypto.lookup_hash(key_ring(), 'email', address)}@{SEALED_DOMAIN}"


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
    lookup = crypto.lookup_hash(key_ring(), "email", address)
    ContactData.objects.update_or_create(
        member_id=user_id, defaults={"email": sealed, "email_lookup": lookup, "updated_at": timezone.now()}
    )
    return f"{lookup}@{SEALED_DOMAIN}"


def address_for(key: str) -> str | None:
    """The address behind a sign-in key; ``None`` when no account has it or its key was shredded."""
    row = ContactData.objects.filter(email_lookup=_lookup(key)).values_list("member_id", "email").first()
    if row is None:
        return None
    try:
        return Vault.open_for(row[0]).open(ContactData, "email", row[1])
    except crypto.Unreadable:
        return None


def addresses_of(user_ids: Iterable[int]) -> dict[int, str]:
    """The addresses of several accounts, in two queries; accounts whose key is gone are left out."""
    rows = list(ContactData.objects.filter(member_id__in=set(user_ids)).values_list("member_id", "email"))
    vaults = Vault.open_many(member_id for member_id, _ in rows)
    found: dict[int, str] = {}
    for member_id, sealed in rows:
        vault = vaults.get(member_id)
        address = vault.open(ContactData, "email", sealed) if vault else None
        if address:
            found[member_id] = address
    return found
