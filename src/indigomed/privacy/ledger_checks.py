"""The disclosure ledger's checks: verify every chain, and checkpoint their heads (LEDGER-1).

``verify`` recomputes every entry's hash from the canonical text ``privacy.ledger`` writes, checks
that each entry follows the one before it in its member's chain, and checks every checkpoint. A
checkpoint hashes every chain head together, so dropping a whole chain is detected too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from indigomed import rawsql
from indigomed.privacy.ledger import GENESIS, PG_CANONICAL, SEPARATOR, Entry, canonical, digest, timestamp
from indigomed.privacy.models import LedgerCheckpoint

# Entries that occurred within this margin of a checkpoint are left to the next one, so that a
# transaction still in flight when the checkpoint is taken cannot make it disagree later.
CHECKPOINT_MARGIN = dt.timedelta(minutes=5)


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
SELECT min(id) FILTER (WHERE hash <> encode(sha256(convert_to({PG_CANONICAL.format(p="")}, 'UTF8')), 'hex'))
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
