"""An authorization's sealed parts: the sensitive tags it covers, the member's words, their signature.

Which sensitive kinds a member agrees to share says that they have such information, so the
tags are sealed under the member's data key like the rest of their medical data; the decision
point opens them when it loads the member.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from indigomed.privacy.models import Authorization
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
