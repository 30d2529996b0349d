"""What the privacy tables keep sealed under the member's data key.

That a member has information of a sensitive kind (an HIV result, substance-use treatment…) is
itself health information, so the sensitive tags an authorization covers, and those a ledger
entry disclosed, are sealed like the rest of the member's medical data; so are the words and
the signature of an authorization. The decision point opens a member's grants when it loads
them; an accounting opens the tags of the entries it lists.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from indigomed.privacy.models import Authorization, Disclosure
from indigomed.records.vault import Vault


def seal(*, member_id: int, tags: Iterable[str], information: str, signed_name: str) -> dict[str, bytes | None]:
    vault = Vault.open_for(member_id)
    return {
        "tags": vault.seal(Authorization, "tags", json.dumps(sorted(set(tags)))),
        "information": vault.seal(Authorization, "information", information),
        "signed_name": vault.seal(Authorization, "signed_name", signed_name),
    }


def open_tags(vaults: dict[int, Vault], member_id: int, sealed: bytes | memoryview) -> frozenset[str]:
    """The tags a grant covers; none when the member's key is gone, so it covers nothing sensitive."""
    vault = vaults.get(member_id)
    opened = vault.open(Authorization, "tags", sealed) if vault else None
    return frozenset(json.loads(opened)) if opened else frozenset()


@dataclass(frozen=True)
class SignedAuthorization:
    """An authorization as its member reads it, opened."""

    public_id: uuid.UUID
    recipient_label: str
    purposes: list[str]
    categories: list[str]
    tags: list[str]
    information: str
    signed_name: str
    signed_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


def opened(authorizations: Sequence[Authorization]) -> list[SignedAuthorization]:
    vaults = Vault.open_many(a.member_id for a in authorizations)
    views = []
    for a in authorizations:
        vault = vaults.get(a.member_id)
        if vault is None:
            continue
        views.append(
            SignedAuthorization(
                public_id=a.public_id,
                recipient_label=a.recipient_label,
                purposes=a.purposes,
                categories=a.categories,
                tags=sorted(open_tags(vaults, a.member_id, a.tags)),
                information=vault.open(Authorization, "information", a.information) or "",
                signed_name=vault.open(Authorization, "signed_name", a.signed_name) or "",
                signed_at=a.signed_at,
                expires_at=a.expires_at,
                revoked_at=a.revoked_at,
            )
        )
    return views


# A sealed value is at least its nonce and its authentication tag long.
_SEALED_MINIMUM = 12 + 16


def seal_disclosed_tags(vault: Vault | None, tags: Iterable[str]) -> str:
    """A ledger entry's tags, sealed (even when there are none, so that an entry does not show
    whether it had any) as text the entry's hash covers like any other field."""
    if vault is None:
        return ""  # the member's key is gone: nothing of theirs can be read anyway
    sealed = vault.seal(Disclosure, "tags", ",".join(sorted(set(tags))))
    return base64.b64encode(sealed or b"").decode("ascii")


def open_disclosed_tags(vault: Vault, text: str) -> list[str]:
    """The tags a ledger entry disclosed. Entries written before tags were sealed keep them in
    clear (a ledger entry is never rewritten), and read as they are."""
    if not text:
        return []
    try:
        sealed = base64.b64decode(text, validate=True)
    except binascii.Error:
        return text.split(",")
    if len(sealed) < _SEALED_MINIMUM:
        return text.split(",")
    opened = vault.open(Disclosure, "tags", sealed)
    return opened.split(",") if opened else []
