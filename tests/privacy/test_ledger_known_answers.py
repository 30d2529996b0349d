"""LEDGER-1 with known answers: the exact text an entry's hash covers, the same on both databases;
what a checkpoint covers at its edge; checkpoints in a row; and a verifier that reads in batches."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import pytest
from django.db import connection

from indigomed.privacy import ledger, ledger_checks
from indigomed.privacy.errors import LedgerBroken
from indigomed.privacy.ledger import GENESIS, Entry, append, canonical
from indigomed.privacy.ledger_checks import take_checkpoint, verify
from indigomed.privacy.models import Disclosure, LedgerCheckpoint
from tests.privacy.test_ledger import without_triggers

NOON = dt.datetime(2026, 6, 1, 12, 0, 0, 1, tzinfo=dt.UTC)
PARIS_SUMMER = dt.timezone(dt.timedelta(hours=2))

TREATMENT = Entry(
    member_id=12,
    recipient_kind="practitioner",
    recipient_ref="practitioner:1",
    recipient_label="Dr. Ada Hart",
    purpose="treatment",
    categories="contact,medical",
    tags="",
    legal_basis="HIPAA 45 CFR 164.506(c)",
    rule="purpose:treatment",
    in_accounting=False,
    authorization_id=None,
    legal_demand_id=None,
    subject_refs="appointment:1",
    policy_version="2026-11-26",
)
COURT_ORDER = Entry(
    member_id=12,
    recipient_kind="legal",
    recipient_ref="legal:41",
    recipient_label="Superior Court",
    purpose="required_by_law",
    categories="medical",
    tags="",
    legal_basis="HIPAA 45 CFR 164.512(a), (e)",
    rule="legal-demand:41",
    in_accounting=True,
    authorization_id=31,
    legal_demand_id=41,
    subject_refs="visit:2",
    policy_version="2026-11-26",
)
# The two hashes, computed once and written down: a change to the canonical text on either
# database (or between them) breaks every ledger already written, so it must show up here.
FIRST_HASH = "fe5debc7c63c4d93573816d6341b6d71537b3048f1548c63820d423714b886e9"
SECOND_HASH = "7d37d244f771b0a06bf5aa9f6a4b971a7095a365c98ca25a66b3bdde8ca48369"


def entry_for(member_id: int, n: int) -> Entry:
    return dataclasses.replace(TREATMENT, member_id=member_id, subject_refs=f"appointment:{n}")


def test_the_text_an_entry_hash_covers_is_fixed_field_by_field() -> None:
    """Absent authorization and demand are empty fields, never "None"; the time is UTC to the microsecond."""
    assert canonical(TREATMENT, 1, NOON, GENESIS).split("\x1f") == [
        "12", "1", "2026-06-01T12:00:00.000001Z", "practitioner", "practitioner:1", "Dr. Ada Hart", "treatment",
        "contact,medical", "", "HIPAA 45 CFR 164.506(c)", "purpose:treatment", "0", "", "", "appointment:1",
        "2026-11-26", GENESIS,
    ]  # fmt: skip
    second = canonical(COURT_ORDER, 2, dt.datetime(2026, 6, 1, 13, 30, tzinfo=PARIS_SUMMER), FIRST_HASH)
    assert second.split("\x1f")[2] == "2026-06-01T11:30:00.000000Z"
    assert second.split("\x1f")[11:14] == ["1", "31", "41"]


def test_the_database_hashes_an_entry_exactly_as_the_known_answer(db) -> None:
    """On PostgreSQL the hash is computed in SQL, on SQLite in Python: both give these very hashes."""
    first = append(TREATMENT, occurred_at=NOON)
    second = append(COURT_ORDER, occurred_at=dt.datetime(2026, 6, 1, 13, 30, tzinfo=PARIS_SUMMER))
    assert (first.seq, first.hash) == (1, FIRST_HASH)
    assert (second.seq, second.hash) == (2, SECOND_HASH)
    stored = Disclosure.objects.get(pk=second.id)
    assert (stored.prev_hash, stored.authorization_id, stored.legal_demand_id) == (FIRST_HASH, 31, 41)
    verdict = verify()
    assert (verdict.ok, verdict.entries, verdict.chains, verdict.checkpoints) == (True, 2, 1, 0)
    assert (verdict.problem, verdict.first_broken_id) == ("", None)


def test_an_entry_appended_without_a_time_is_stamped_now(db) -> None:
    before = dt.datetime.now(dt.UTC)
    appended = append(TREATMENT)
    occurred_at = Disclosure.objects.values_list("occurred_at", flat=True).get(pk=appended.id)
    assert before <= occurred_at <= dt.datetime.now(dt.UTC)


def test_a_checkpoint_leaves_the_last_five_minutes_to_the_next_one(db) -> None:
    """Writes still in flight when a checkpoint is taken are covered by the next checkpoint, not this one."""
    taken_at = NOON + dt.timedelta(hours=1)
    append(entry_for(1, 1), occurred_at=taken_at - dt.timedelta(minutes=5))  # exactly at the margin: covered
    append(entry_for(2, 1), occurred_at=taken_at - dt.timedelta(minutes=5) + dt.timedelta(microseconds=1))
    append(entry_for(2, 2), occurred_at=taken_at - dt.timedelta(minutes=1))
    first = take_checkpoint(now=taken_at)
    assert first.covers_until == taken_at - dt.timedelta(minutes=5)
    assert (first.chains, first.entries, first.prev_hash) == (1, 1, GENESIS)
    second = take_checkpoint(now=taken_at + dt.timedelta(minutes=5))
    assert (second.chains, second.entries) == (2, 3)
    assert second.prev_hash == first.hash != second.hash
    verdict = verify()
    assert (verdict.ok, verdict.entries, verdict.chains, verdict.checkpoints, verdict.problem) == (True, 3, 2, 2, "")


def test_a_checkpoint_moved_onto_another_predecessor_is_detected_even_with_its_hash_recomputed(db) -> None:
    append(entry_for(1, 1), occurred_at=NOON)
    take_checkpoint(now=NOON + dt.timedelta(hours=1))
    second = take_checkpoint(now=NOON + dt.timedelta(hours=2))
    second.prev_hash = "1" * 64  # a predecessor that never was
    without_triggers(
        "UPDATE privacy_ledgercheckpoint SET prev_hash = %s, hash = %s WHERE id = %s",
        [second.prev_hash, ledger_checks._checkpoint_hash(second), second.pk],
    )
    verdict = verify()
    assert not verdict.ok and verdict.problem == f"checkpoint {second.pk} was altered"
    assert LedgerCheckpoint.objects.count() == 2


def test_verification_reads_the_ledger_in_batches_and_misses_nothing_between_them(db, monkeypatch) -> None:
    """The verifier streams chains in batches; a chain cut across two batches still verifies, and an
    altered entry in the last batch is still found."""
    for member_id in (3, 1, 2):
        for n in range(3):
            append(entry_for(member_id, n), occurred_at=NOON + dt.timedelta(minutes=n))
    monkeypatch.setattr(ledger_checks, "_rows", functools.partial(ledger_checks._rows, batch=2))
    verdict = verify()
    assert (verdict.ok, verdict.entries, verdict.chains) == (True, 9, 3)
    last = Disclosure.objects.get(member_id=3, seq=3)
    without_triggers("UPDATE privacy_disclosure SET recipient_label = %s WHERE id = %s", ["Someone else", last.pk])
    verdict = verify()
    assert (verdict.ok, verdict.first_broken_id, verdict.entries, verdict.chains) == (False, last.pk, 9, 3)
    assert verdict.problem == f"entry {last.pk} (member 3, position 3): its content does not match its hash"


@pytest.mark.parametrize("altered_first", [True, False])
def test_of_two_broken_entries_the_verifier_names_the_one_written_first(db, altered_first) -> None:
    """Whether the first break is an altered entry or a missing one, it is the one named."""
    for member_id in (1, 2):
        for n in range(3):
            append(entry_for(member_id, n), occurred_at=NOON + dt.timedelta(minutes=n))
    altered = Disclosure.objects.get(member_id=1 if altered_first else 2, seq=3)
    removed = Disclosure.objects.get(member_id=2 if altered_first else 1, seq=2)
    after_gap = Disclosure.objects.get(member_id=removed.member_id, seq=3)
    without_triggers("UPDATE privacy_disclosure SET purpose = 'payment' WHERE id = %s", [altered.pk])
    with connection.cursor() as cursor:  # the guard stays lifted for the rest of the test
        cursor.execute("DELETE FROM privacy_disclosure WHERE id = %s", [removed.pk])
    verdict = verify()
    expected = altered if altered_first else after_gap
    assert (verdict.ok, verdict.first_broken_id) == (False, expected.pk)
    problem = "its content does not match its hash" if altered_first else "an entry before it is missing"
    assert verdict.problem == f"entry {expected.pk} (member {expected.member_id}, position 3): {problem}"


def test_an_entry_that_never_finds_its_place_is_refused_after_a_few_tries(db, monkeypatch) -> None:
    """A member's chain that stays contended is reported busy after a bounded number of tries, not looped over."""
    tries = []
    if connection.vendor == "postgresql":

        class Contended:
            @staticmethod
            def rows(sql, params):
                tries.append(1)
                return []

        monkeypatch.setattr(ledger, "rawsql", Contended)
    else:

        def taken(*args):
            tries.append(1)
            raise ledger.IntegrityError("taken")

        monkeypatch.setattr(ledger, "_append_in_python", taken)
    with pytest.raises(LedgerBroken, match="too busy"):
        append(TREATMENT, occurred_at=NOON)
    assert len(tries) == ledger.APPEND_ATTEMPTS == 8


def test_an_entry_relinked_to_another_predecessor_is_named_as_out_of_order_on_either_database(db) -> None:
    """Changing the link also changes what the entry's hash covers; the verdict names the link,
    the more telling of the two, whichever database verifies."""
    for n in range(3):
        append(entry_for(4, n), occurred_at=NOON + dt.timedelta(minutes=n))
    second = Disclosure.objects.get(member_id=4, seq=2)
    without_triggers("UPDATE privacy_disclosure SET prev_hash = %s WHERE id = %s", ["e" * 64, second.pk])
    verdict = verify()
    assert (verdict.ok, verdict.first_broken_id) == (False, second.pk)
    assert verdict.problem == f"entry {second.pk} (member 4, position 2): it does not follow the entry before it"
