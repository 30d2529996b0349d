"""The disclosure ledger's chains: append, verify, checkpoint (LEDGER-1).

Each member has a chain of their own: an entry's hash covers its fields and the previous
entry's hash, so disclosures about different members never wait on one global head. A
checkpoint hashes every chain head together, so dropping a whole chain is detected too.

On PostgreSQL an append is one INSERT … SELECT that finds the head, numbers the entry and
computes its hash in the database (one round trip, like a plain insert); on SQLite the same
hash is computed in Python. Both produce the same canonical text, checked by ``verify``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from indigomed import rawsql
from indigomed.privacy.errors import LedgerBroken
from indigomed.privacy.models import Disclosure, LedgerCheckpoint
from indigomed.records.keys import key_ring

GENESIS = "0" * 64
SEPARATOR = "\x1f"
# Entries that occurred within this margin of a checkpoint are left to the next one, so that a
# transaction still in flight when the checkpoint is taken cannot make it disagree later.
CHECKPOINT_MARGIN = dt.timedelta(minutes=5)
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
    """The text an entry's hash covers. ``_PG_CANONICAL`` builds the very same text in SQL."""
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


# The same canonical text, from a row's columns, in PostgreSQL.
_PG_CANONICAL = """concat_ws(E'\\x1f', {p}member_id::text, {p}seq::text,
    to_char({p}occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    {p}recipient_kind, {p}recipient_ref, {p}recipient_label, {p}purpose, {p}categories, {p}tags,
    {p}legal_basis, {p}rule, CASE WHEN {p}in_accounting THEN '1' ELSE '0' END,
    coalesce({p}authorization_id::text, ''), coalesce({p}legal_demand_id::text, ''), {p}subject_refs,
    {p}policy_version, {p}prev_hash)"""

_PG_APPEND = f"""
INSERT INTO privacy_disclosure (member_id, seq, occurred_at, recipient_kind, recipient_ref, recipient_label,
    purpose, categories, tags, legal_basis, rule, in_accounting, authorization_id, legal_demand_id, subject_refs,
    policy_version, prev_hash, hash)
SELECT n.*, encode(sha256(convert_to({_PG_CANONICAL.format(p="n.")}, 'UTF8')), 'hex')
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


# --- Verification -------------------------------------------------------------------------------

_COLUMNS = (
    "id, member_id, seq, occurred_at, recipient_kind, recipient_ref, recipient_label, purpose, categories, tags, "
    "legal_basis, rule, in_accounting, authorization_id, legal_demand_id, subject_refs, policy_version, "
    "prev_hash, hash"
)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    chains: int
    checkpoints: int
    problem: str = ""
    first_broken_id: int | None = None


def _rows(batch: int = 20_000) -> Iterator[tuple[Any, ...]]:
    """Every entry in chain order, streamed."""
    last_member, last_seq = -1, 0
    while True:
        rows = rawsql.rows(
            f"SELECT {_COLUMNS} FROM privacy_disclosure "  # noqa: S608 - constant columns  # nosec B608 # a constant column list
            "WHERE member_id > %s OR (member_id = %s AND seq > %s) ORDER BY member_id, seq LIMIT %s",
            [last_member, last_member, last_seq, batch],
        )
        if not rows:
            return
        yield from rows
        last_member, last_seq = rows[-1][1], rows[-1][2]


# Verification on PostgreSQL is two passes: the links between entries need each chain in order
# (a window over the (member, position) index, one process), while recomputing every hash needs
# no order at all, so it runs as a parallel scan. Together they take half the time of one pass.
_PG_VERIFY_LINKS = f"""
SELECT count(*), count(*) FILTER (WHERE first),
       min(id) FILTER (WHERE problem <> ''),
       (array_agg(problem ORDER BY id) FILTER (WHERE problem <> ''))[1],
       (array_agg(member_id ORDER BY id) FILTER (WHERE problem <> ''))[1],
       (array_agg(seq ORDER BY id) FILTER (WHERE problem <> ''))[1]
FROM (
    SELECT id, member_id, seq, lag(seq) OVER w IS NULL AS first,
        CASE
            WHEN seq <> coalesce(lag(seq) OVER w, 0) + 1 THEN 'missing'
            WHEN prev_hash <> coalesce(lag(hash) OVER w, '{GENESIS}') THEN 'order'
            ELSE ''
        END AS problem
    FROM privacy_disclosure
    WINDOW w AS (PARTITION BY member_id ORDER BY seq)
) checked
"""  # noqa: S608 - constant text  # nosec B608 # constant text

# An aggregate with FILTER, not WHERE … min(id): the planner would otherwise walk the primary key
# one row at a time instead of scanning in parallel.
_PG_VERIFY_CONTENT = f"""
SELECT min(id) FILTER (WHERE hash <> encode(sha256(convert_to({_PG_CANONICAL.format(p="")}, 'UTF8')), 'hex'))
FROM privacy_disclosure
"""  # noqa: S608 - constant text  # nosec B608 # constant text

_PROBLEMS = {
    "missing": "an entry before it is missing",
    "order": "it does not follow the entry before it",
    "content": "its content does not match its hash",
}


def verify() -> Verdict:
    """Recompute every chain and every checkpoint; name the first broken entry.

    PostgreSQL recomputes the hashes itself in one pass; elsewhere the chains stream through Python.
    """
    if connection.vendor == "postgresql":
        entries, chains, broken_id, problem, member_id, seq = rawsql.rows(_PG_VERIFY_LINKS, [])[0]
        altered_id = rawsql.rows(_PG_VERIFY_CONTENT, [])[0][0]
        if altered_id is not None and (broken_id is None or altered_id < broken_id):
            broken_id, problem = altered_id, "content"
            member_id, seq = rawsql.rows("SELECT member_id, seq FROM privacy_disclosure WHERE id = %s", [altered_id])[0]
        checkpoints = LedgerCheckpoint.objects.count()
        if broken_id is not None:
            return Verdict(
                False, entries, chains, checkpoints,
                f"entry {broken_id} (member {member_id}, position {seq}): {_PROBLEMS[problem]}", broken_id,
            )  # fmt: skip
        checkpoint_problem = _verify_checkpoints()
        return Verdict(not checkpoint_problem, entries, chains, checkpoints, checkpoint_problem)
    return _verify_in_python()


def _verify_in_python() -> Verdict:
    broken: tuple[int, str] | None = None
    entries = chains = 0
    member, expected_seq, expected_prev = None, 0, GENESIS
    for row in _rows():
        row_id, member_id, seq, occurred_at, *fields, prev_hash, stored = row
        entries += 1
        if member_id != member:
            member, expected_seq, expected_prev = member_id, 1, GENESIS
            chains += 1
        # The columns between the position and the hashes are the entry's fields, in order.
        entry = Entry(member_id, *fields)
        problem = ""
        if seq != expected_seq:
            problem = _PROBLEMS["missing"]
        elif prev_hash != expected_prev:
            problem = _PROBLEMS["order"]
        elif digest(canonical(entry, seq, rawsql.read_when(occurred_at), prev_hash)) != stored:
            problem = _PROBLEMS["content"]
        if problem and (broken is None or row_id < broken[0]):
            broken = (row_id, f"entry {row_id} (member {member_id}, position {seq}): {problem}")
        expected_seq, expected_prev = seq + 1, stored
    checkpoints = LedgerCheckpoint.objects.count()
    if broken is not None:
        return Verdict(False, entries, chains, checkpoints, broken[1], broken[0])
    problem = _verify_checkpoints()
    if problem:
        return Verdict(False, entries, chains, checkpoints, problem)
    return Verdict(True, entries, chains, checkpoints)


# --- Checkpoints --------------------------------------------------------------------------------


def _heads(until: dt.datetime) -> tuple[str, int, int]:
    """Digest of every chain head among entries that occurred up to ``until``, with counts."""
    rows = rawsql.rows(
        """
        SELECT d.member_id, d.seq, d.hash FROM privacy_disclosure d
        JOIN (SELECT member_id, MAX(seq) AS seq FROM privacy_disclosure WHERE occurred_at <= %s GROUP BY member_id) h
          ON h.member_id = d.member_id AND h.seq = d.seq
        ORDER BY d.member_id
        """,
        [rawsql.when(until)],
    )
    hasher = hashlib.sha256()
    entries = 0
    for member_id, seq, head_hash in rows:
        hasher.update(f"{member_id}:{seq}:{head_hash}\n".encode())
        entries += seq
    return hasher.hexdigest(), len(rows), entries


def _checkpoint_hash(checkpoint: LedgerCheckpoint) -> str:
    return digest(
        SEPARATOR.join(
            [
                timestamp(checkpoint.covers_until),
                str(checkpoint.chains),
                str(checkpoint.entries),
                checkpoint.heads_digest,
                checkpoint.prev_hash,
            ]
        )
    )


def take_checkpoint(*, now: dt.datetime | None = None) -> LedgerCheckpoint:
    """Record the digest of every chain head (run periodically by the worker, by any number of workers).

    Checkpoint takers queue behind one another: each reads the latest checkpoint only once the
    one before it has committed, so two workers never chain from the same predecessor. The
    database refuses a second checkpoint on one predecessor (``checkpoint_chain_never_forks``)
    should anything bypass this.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Conflicts with itself only: plain reads and ledger appends never wait on it.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE privacy_ledgercheckpoint IN SHARE ROW EXCLUSIVE MODE")
        # SQLite: the transaction is IMMEDIATE, so it already holds the database's write lock here.
        covers_until = (now or timezone.now()) - CHECKPOINT_MARGIN
        heads_digest, chains, entries = _heads(covers_until)
        previous = LedgerCheckpoint.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        checkpoint = LedgerCheckpoint(
            covers_until=covers_until, chains=chains, entries=entries, heads_digest=heads_digest, prev_hash=previous
        )
        checkpoint.hash = _checkpoint_hash(checkpoint)
        checkpoint.save()
    return checkpoint


def _verify_checkpoints() -> str:
    previous = GENESIS
    for checkpoint in LedgerCheckpoint.objects.order_by("id"):
        if checkpoint.prev_hash != previous or _checkpoint_hash(checkpoint) != checkpoint.hash:
            return f"checkpoint {checkpoint.pk} was altered"
        heads_digest, chains, entries = _heads(checkpoint.covers_until)
        if heads_digest != checkpoint.heads_digest:
            return (
                f"checkpoint {checkpoint.pk} no longer matches the ledger: it covered {checkpoint.chains} chains "
                f"and {checkpoint.entries} entries, the ledger now has {chains} and {entries} for that period"
            )
        previous = checkpoint.hash
    return ""
