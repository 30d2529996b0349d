"""What a member writes to IndigoMed (PI-1, Correspondence), and what the office writes back in
answer to a request, kept sealed under the member's data key; opened for the member (their own
read) or for the privacy office (an access in the member's log), never for anyone else.

The requests desk (``rights``) sits above ``privacy`` and may not open a vault: it hands texts
and scanned letters here and keeps the references it gets back. A scan is sealed like the
document of a legal demand: the file on disk is ciphertext, bound to the member and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.errors import NotFound
from indigomed.records.crypto import Unreadable
from indigomed.records.models import CorrespondenceEntry
from indigomed.records.queries import member_by_email
from indigomed.records.vault import Vault
from indigomed.security.services import Access, log_accesses, own_read

# How a member's words reached IndigoMed: typed and signed online, or on paper or by e-mail,
# entered by the office. ``CorrespondenceEntry.channel`` takes these codes.
ONLINE, LETTER, EMAIL = "online", "letter", "email"
CHANNELS = (ONLINE, LETTER, EMAIL)
# What the member's access log says of the office reading what they wrote.
ANSWERING_YOU = "answering your request"


@dataclass(frozen=True)
class Written:
    """What a member wrote, opened: the text and the name they signed with (empty for a letter
    whose signature is on the scan)."""

    text: str
    signed_name: str


def _vault(member_id: int) -> Vault:
    """The member's vault; a member whose data was shredded can no longer write or be written about."""
    try:
        return Vault.open_for(member_id)
    except Unreadable:
        raise NotFound(gettext("This member's information can no longer be read.")) from None


def keep_written(*, member_id: int, channel: str, text: str, signed_name: str) -> int:
    """Seal what the member wrote and the name they signed with as one correspondence entry, in
    the caller's transaction; returns its id (the reference the caller keeps)."""
    if channel not in CHANNELS:
        raise ValueError(f"Unknown way of writing {channel!r}.")
    vault = _vault(member_id)
    body = json.dumps({"text": text, "signed_name": signed_name}, sort_keys=True)
    entry = CorrespondenceEntry.objects.create(
        member_id=member_id,
        channel=channel,
        body=vault.seal(CorrespondenceEntry, "body", body),
        received_at=timezone.now(),
    )
    return entry.pk


def seal_scan(*, member_id: int, content: bytes) -> bytes:
    """A scanned letter's bytes, sealed for the member (stored as a file by the caller)."""
    return _vault(member_id).seal_document(CorrespondenceEntry, "scan", content)


def seal_note(*, member_id: int, model: type[models.Model], field: str, text: str) -> bytes:
    """A note about the member's request (the office's reasons), sealed for one field of the
    caller's model: reasons speak of the member, so they are kept like the member's data."""
    sealed = _vault(member_id).seal(model, field, text)
    assert sealed is not None
    return sealed


def _log(member_id: int, actor_user_id: int, *, own: bool, rule: str, categories: str) -> None:
    if own:
        log_accesses([own_read(member_id=member_id, acting_user_id=actor_user_id, categories=categories, rule=rule)])
        return
    log_accesses(
        [
            Access(
                member_id=member_id,
                actor_user_id=actor_user_id,
                recipient_ref=f"member:{member_id}" if own else "office:privacy",
                recipient_label="You" if own else "Privacy office",
                purpose="own access" if own else ANSWERING_YOU,
                categories=categories,
                allowed=True,
                rule=rule,
            )
        ]
    )


def _open_entries(member_id: int, entry_ids: Iterable[int]) -> dict[int, Written]:
    vaults = Vault.open_many([member_id])
    vault = vaults.get(member_id)
    if vault is None:
        return {}
    found: dict[int, Written] = {}
    for pk, body in CorrespondenceEntry.objects.filter(member_id=member_id, pk__in=set(entry_ids)).values_list(
        "pk", "body"
    ):
        opened = json.loads(vault.open(CorrespondenceEntry, "body", body) or "{}")
        found[pk] = Written(str(opened.get("text", "")), str(opened.get("signed_name", "")))
    return found


def _open_notes(
    member_id: int, model: type[models.Model], sealed: Mapping[str, bytes | memoryview | None]
) -> dict[str, str]:
    vault = Vault.open_many([member_id]).get(member_id)
    if vault is None:
        return {}
    return {field: vault.open(model, field, value) or "" for field, value in sealed.items() if value is not None}


def read_own(
    *,
    member_id: int,
    entry_ids: Iterable[int],
    model: type[models.Model],
    notes: Mapping[str, bytes | memoryview | None],
) -> tuple[dict[int, Written], dict[str, str]]:
    """The member's own words and the office's notes to them, opened for the member (their read is
    logged like any other); nothing when their key is gone."""
    _log(member_id, member_id, own=True, rule="self", categories="correspondence")
    return _open_entries(member_id, entry_ids), _open_notes(member_id, model, notes)


def read_for_office(
    *,
    officer_id: int,
    member_id: int,
    request_ref: str,
    entry_ids: Iterable[int],
    model: type[models.Model],
    notes: Mapping[str, bytes | memoryview | None],
) -> tuple[dict[int, Written], dict[str, str]]:
    """What a member wrote in a request and the office's notes on it, opened for the privacy
    officer answering it; the look is an access in the member's log (``request:<uuid>``), not a
    disclosure: the office answers the member, it tells no one else."""
    _log(member_id, officer_id, own=False, rule=request_ref, categories="correspondence")
    return _open_entries(member_id, entry_ids), _open_notes(member_id, model, notes)


def open_scan_for_office(*, officer_id: int, member_id: int, request_ref: str, sealed: bytes) -> bytes:
    """A scanned letter, opened for the privacy office; the read is in the member's access log."""
    content = _vault(member_id).open_document(CorrespondenceEntry, "scan", sealed)
    _log(member_id, officer_id, own=False, rule=request_ref, categories="correspondence")
    return content


def open_scan_for_member(*, member_id: int, sealed: bytes) -> bytes:
    """The member's own scanned letter, opened for them (logged as their own read)."""
    content = _vault(member_id).open_document(CorrespondenceEntry, "scan", sealed)
    _log(member_id, member_id, own=True, rule="self", categories="correspondence")
    return content


def member_with_address(email: str) -> int | None:
    """The member who signs in with ``email``, for the office entering a letter for them; ``None``
    when no account has it. The address is typed by the office and looked up by its keyed hash."""
    return member_by_email(email)
