"""LEDGER-1: append-only in the database, hash-chained per member, checkpoints, and a verifier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from indigomed.privacy.ledger import GENESIS
from indigomed.privacy.ledger_checks import take_checkpoint, verify
from indigomed.privacy.models import Disclosure, LedgerCheckpoint
from tests.conftest import address_of
from tests.privacy.conftest import DOCTOR, ask, court


def some_history(people) -> None:
    for n in range(3):
        ask(people.new_york, DOCTOR, "treatment", {"contact"}, ref=f"appointment:{n}")
        ask(people.ohio, court(people.ohio), "required_by_law", {"medical"}, ref=f"visit:{n}")


def without_triggers(sql: str, params: list[object]) -> None:
    """What someone with direct database access could do: drop the guard, change a row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_disclosure DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE privacy_ledgercheckpoint DISABLE TRIGGER USER")
        else:
            for table in ("privacy_disclosure", "privacy_ledgercheckpoint"):
                cursor.execute(f"DROP TRIGGER {table}_no_update")
                cursor.execute(f"DROP TRIGGER {table}_no_delete")
        cursor.execute(sql, params)


def test_each_member_has_a_chain_of_their_own(people) -> None:
    some_history(people)
    chains = {}
    for member_id, seq, prev, digest in Disclosure.objects.order_by("member_id", "seq").values_list(
        "member_id", "seq", "prev_hash", "hash"
    ):
        chains.setdefault(member_id, []).append((seq, prev, digest))
    assert set(chains) == {people.new_york.pk, people.ohio.pk}
    for entries in chains.values():
        assert [seq for seq, _, _ in entries] == [1, 2, 3]
        assert entries[0][1] == GENESIS
        assert all(entries[i][1] == entries[i - 1][2] for i in range(1, 3))
    assert verify().ok


@pytest.mark.parametrize(
    "statement", ["UPDATE privacy_disclosure SET purpose = 'payment'", "DELETE FROM privacy_disclosure"]
)
def test_the_database_refuses_to_change_or_remove_an_entry(people, statement) -> None:
    some_history(people)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Disclosure.objects.count() == 6


def test_the_orm_cannot_change_an_entry_either(people) -> None:
    some_history(people)
    entry = Disclosure.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Disclosure.objects.filter(pk=entry.pk).update(rule="purpose:payment")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("recipient_label", "Someone else"),
        ("purpose", "payment"),
        ("categories", "contact,medical"),
        ("occurred_at", None),
        ("hash", "f" * 64),
    ],
)
def test_tampering_with_any_field_of_a_row_is_detected_and_named(people, column, value) -> None:
    some_history(people)
    target = Disclosure.objects.filter(member_id=people.ohio.pk, seq=2).get()
    if column == "occurred_at":
        value = target.occurred_at - dt.timedelta(days=400)
    without_triggers(f"UPDATE privacy_disclosure SET {column} = %s WHERE id = %s", [value, target.pk])
    verdict = verify()
    assert not verdict.ok
    assert verdict.first_broken_id == target.pk
    with pytest.raises(CommandError, match=f"entry {target.pk} "):
        call_command("verify_ledger")


def test_removing_an_entry_from_the_middle_of_a_chain_is_detected(people) -> None:
    some_history(people)
    target = Disclosure.objects.get(member_id=people.new_york.pk, seq=2)
    without_triggers("DELETE FROM privacy_disclosure WHERE id = %s", [target.pk])
    verdict = verify()
    assert not verdict.ok and "missing" in verdict.problem


def test_dropping_a_whole_chain_is_caught_by_the_checkpoint(people) -> None:
    some_history(people)
    # The checkpoint covers what occurred before it (minus a safety margin for writes in flight).
    take_checkpoint(now=timezone.now() + dt.timedelta(hours=1))
    assert verify().ok
    without_triggers("DELETE FROM privacy_disclosure WHERE member_id = %s", [people.ohio.pk])
    verdict = verify()
    assert not verdict.ok
    assert "checkpoint" in verdict.problem and "2 chains" in verdict.problem


def test_an_altered_checkpoint_is_detected(people) -> None:
    some_history(people)
    checkpoint = take_checkpoint(now=timezone.now() + dt.timedelta(hours=1))
    without_triggers("UPDATE privacy_ledgercheckpoint SET entries = 5 WHERE id = %s", [checkpoint.pk])
    verdict = verify()
    assert not verdict.ok and f"checkpoint {checkpoint.pk} was altered" in verdict.problem


def test_the_verify_command_reports_a_healthy_ledger(people, capsys) -> None:
    some_history(people)
    call_command("checkpoint_ledger")
    call_command("verify_ledger")
    out = capsys.readouterr().out
    assert "The ledger verifies: 6 entries in 2 chains, 1 checkpoints." in out
    assert LedgerCheckpoint.objects.count() == 1


def test_entries_hold_references_and_labels_never_values(people) -> None:
    """USE-3b: nothing in a ledger row is the member's personal data."""
    ask(people.new_york, DOCTOR, "treatment", {"contact"}, ref="appointment:1")
    row = Disclosure.objects.values().get()
    text = " ".join(str(v) for v in row.values())
    assert address_of(people.new_york) not in text
    assert set(row) >= {"recipient_label", "purpose", "categories", "rule", "subject_refs"}
