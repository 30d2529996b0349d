"""LEDGER-1: several workers share the database and each takes ledger checkpoints; taken at the
same moment, the checkpoints still form one line and the ledger verifies."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from django.db import connection
from django.utils import timezone

from indigomed.privacy.ledger_checks import take_checkpoint, verify
from indigomed.privacy.models import LedgerCheckpoint
from tests.conftest import postgres
from tests.privacy.conftest import DOCTOR, ask

WORKERS = 2
ROUNDS = 25


@pytest.mark.django_db(transaction=True)
def test_two_workers_checkpointing_at_once_never_fork_the_checkpoint_chain(people, ledger_rows_removed_after) -> None:
    if not postgres():
        pytest.skip("SQLite takes one writer at a time: its IMMEDIATE transactions already queue checkpoints")
    for n in range(3):
        ask(people.new_york, DOCTOR, "treatment", {"contact"}, ref=f"appointment:{n}")
    start = threading.Barrier(WORKERS)
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(ROUNDS):
                start.wait()  # every round, the workers checkpoint at the same instant
                take_checkpoint(now=timezone.now() + dt.timedelta(hours=1))
        except BaseException as exc:
            failures.append(exc)
            start.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    links = list(LedgerCheckpoint.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len(links) == WORKERS * ROUNDS
    assert all(prev == before[1] for before, (prev, _) in itertools.pairwise(links))
    verdict = verify()
    assert verdict.ok, verdict.problem
