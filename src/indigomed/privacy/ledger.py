"""The disclosure ledger's chains: append, and fingerprint what was received once (LEDGER-1).

Each member has a chain of their own: an entry's hash covers its fields and the previous
entry's hash, so disclosures about different members never wait on one global head.

On PostgreSQL an append is one INSERT … SELECT that finds the head, numbers the entry and
computes its hash in the database (one round trip, like a plain insert); on SQLite the same
hash is computed in Python. Both produce the same canonical text, checked by ``verify`` in
``privacy.ledger_checks``, where the checkpoints are taken too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from indigomed import rawsql
from indigomed.privacy.errors import LedgerBroken
from indigomed.privacy.models import Disclosure
from indigomed.records.keys import key_ring

GENESIS = "0" * 64
SEPARATOR = "\x1f"
APPEND_ATTEMPTS = 8
CLAIM_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Entry:
    """What a disclosure records: references and labels, never the personal values."""

    member_id: int
    recipient_kind: str
    recipient_ref: str
    recipient_label: str
    purpose: str
    categories: str
    tags: str
    legal_basis: str
    rule: str
    in_accounting: bool
    authorization_id: int | None
    legal_demand_id: int | None
    subject_refs: str
    policy_version: str


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: Entry, seq: int, occurred_at: dt.datetime, prev_hash: str) -> str:
    """The text an entry's hash covers. ``PG_CANONICAL`` builds the very same text in SQL."""
    return SEPARATOR.join(
        [
            str(entry.member_id),
            str(seq),
            timestamp(occurred_at),
            entry.recipient_kind,
            entry.recipient_ref,
            entry.recipient_label,
            entry.purpose,
            entry.categories,
            entry.tags,
            entry.legal_basis,
            entry.rule,
            "1" if entry.in_accounting else "0",
            "" if entry.authorization_id is None else str(entry.authorization_id),
            "" if entry.legal_demand_id is None else str(entry.legal_demand_id),
            entry.subject_refs,
            entry.policy_version,
            prev_hash,
        ]
    )


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The same canonical text as ``canonical``, from a row's columns, in PostgreSQL (``{p}`` is the
# row's alias and a dot, or nothing): an append hashes it here, ``ledger_checks.verify`` again.
PG_CANONICAL = """concat_ws(E'\\x1f', {p}member_id::text, {p}seq::text,
    to_char({p}occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    {p}recipient_kind, {p}recipient_ref, {p}recipient_label, {p}purpose, {p}categories, {p}tags,
    {p}legal_basis, {p}rule, CASE WHEN {p}in_accounting THEN '1' ELSE '0' END,
    coalesce({p}authorization_id::text, ''), coalesce({p}legal_demand_id::text, ''), {p}subject_refs,
    {p}policy_version, {p}prev_hash)"""

_PG_APPEND = f"""
INSERT INTO privacy_disclosure (member_id, seq, occurred_at, recipient_kind, recipient_ref, recipient_label,
    purpose, categories, tags, legal_basis, rule, in_accounting, authorization_id, legal_demand_id, subject_refs,
    policy_version, prev_hash, hash)
SELECT n.*, encode(sha256(convert_to({PG_CANONICAL.format(p="n.")}, 'UTF8')), 'hex')
FROM (
    SELECT %(member_id)s::bigint AS member_id, coalesce(h.seq, 0) + 1 AS seq,
           %(occurred_at)s::timestamptz AS occurred_at,
           %(recipient_kind)s::varchar AS recipient_kind, %(recipient_ref)s::varchar AS recipient_ref,
           %(recipient_label)s::varchar AS recipient_label, %(purpose)s::varchar AS purpose,
           %(categories)s::varchar AS categories, %(tags)s::varchar AS tags, %(legal_basis)s::varchar AS legal_basis,
           %(rule)s::varchar AS rule, %(in_accounting)s::boolean AS in_accounting,
           %(authorization_id)s::bigint AS authorization_id, %(legal_demand_id)s::bigint AS legal_demand_id,
           %(subject_refs)s::text AS subject_refs, %(policy_version)s::varchar AS policy_version,
           coalesce(h.hash, '{GENESIS}') AS prev_hash
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT d.seq, d.hash FROM privacy_disclosure d WHERE d.member_id = %(member_id)s ORDER BY d.seq DESC LIMIT 1
    ) h ON true
) n
ON CONFLICT (member_id, seq) DO NOTHING
RETURNING id, seq, hash
"""  # noqa: S608 - constant text; every value is a parameter  # nosec B608 # constant text, values as named parameters


class Appended(NamedTuple):
    id: int
    seq: int
    hash: str


def append(entry: Entry, *, occurred_at: dt.datetime | None = None) -> Appended:
    """Add an entry at the end of its member's chain, inside the caller's transaction.

    Two appends for the same member at once both aim at the same position; the unique
    (member, position) index lets one through and the other tries again from the new head.
    """
    occurred_at = occurred_at or timezone.now()
    fields = {name: getattr(entry, name) for name in Entry.__dataclass_fields__}
    for _ in range(APPEND_ATTEMPTS):
        if connection.vendor == "postgresql":
            # ON CONFLICT waits for the other writer and skips: no error, so no savepoint needed.
            found = rawsql.rows(_PG_APPEND, {**fields, "occurred_at": occurred_at})
            if found:
                return Appended(*found[0])
            continue
        try:
            with transaction.atomic():
                return _append_in_python(entry, fields, occurred_at)
        except IntegrityError:
            continue
    raise LedgerBroken("The ledger is too busy for this member right now; please try again.")


def _append_in_python(entry: Entry, fields: dict[str, Any], occurred_at: dt.datetime) -> Appended:
    head = Disclosure.objects.filter(member_id=entry.member_id).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
    created = Disclosure.objects.create(
        seq=seq,
        occurred_at=occurred_at,
        prev_hash=prev_hash,
        hash=digest(canonical(entry, seq, occurred_at, prev_hash)),
        **fields,
    )
    return Appended(created.pk, seq, created.hash)


# --- Once per recipient and item version -------------------------------------------------------


def fingerprint_key() -> bytes:
    """The key of the fingerprints: the look-up key, which never leaves the platform. Fetch it once
    per batch (outside production it is read from a file)."""
    return key_ring().lookup_key


def fingerprint(
    key: bytes, member_id: int, recipient_ref: str, purpose: str, categories: str, ref: str, version: str
) -> str:
    """A keyed hash naming one version of one item as received by one recipient for one purpose.

    Keyed because a version may be derived from the content itself: an unkeyed digest of, say, a
    visit reason could be guessed back."""
    text = SEPARATOR.join([str(member_id), recipient_ref, purpose, categories, ref, version])
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def claim_first_disclosures(rows: list[tuple[int, str]], at: dt.datetime) -> set[tuple[int, str]]:
    """Record these (member, fingerprint) pairs as received; return those that were not yet.

    One INSERT … ON CONFLICT DO NOTHING RETURNING on both databases, in the caller's transaction: of
    two looks racing at the same new item, the second waits for the first and finds it taken, so
    the item is ledgered once; if the caller's transaction fails, the claim goes with it."""
    unique = sorted(set(rows))
    when = rawsql.when(at)
    claimed: set[tuple[int, str]] = set()
    # In batches that stay well under SQLite's limit on parameters per statement.
    for start in range(0, len(unique), CLAIM_BATCH):
        batch = unique[start : start + CLAIM_BATCH]
        values = ", ".join(["(%s, %s, %s)"] * len(batch))
        params: list[Any] = []
        for member_id, print_ in batch:
            params += [member_id, print_, when]
        rows_claimed = rawsql.rows(
            f"INSERT INTO privacy_discloseditem (member_id, fingerprint, first_at) VALUES {values} "  # noqa: S608 - placeholders only  # nosec B608 # placeholders only, values as parameters
            "ON CONFLICT (member_id, fingerprint) DO NOTHING RETURNING member_id, fingerprint",
            params,
        )
        claimed.update((member_id, print_) for member_id, print_ in rows_claimed)
    return claimed
