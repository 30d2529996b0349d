"""MSG-1 with real processes on PostgreSQL: workers racing over one outbox send each message
once, and a worker killed mid-batch loses nothing and repeats at most the message in flight."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection, transaction

from indigomed.messaging.models import DeliveryAttempt, Message
from indigomed.messaging.outbox import enqueue
from tests.conftest import postgres
from tests.messaging.conftest import Inbox, start_smtp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _on_postgres(transactional_db: None) -> None:
    if not postgres():
        pytest.skip("several worker processes share an outbox on PostgreSQL; SQLite runs one")


def queue(world, count: int) -> None:
    with transaction.atomic():
        for index in range(count):
            member = world.member if index % 2 else world.other_member
            enqueue(
                member_ids=[member.pk],
                kind="race-test",
                template="notice",
                context={"subject": f"IndigoMed: message {index}", "body": "Text."},
            )


def worker(port: int, **env: str) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return subprocess.Popen(
        [sys.executable, "-m", "indigomed", "worker", "--messages-only", "--until-idle", "--poll", "0.2"],
        env={
            **os.environ,
            "DATABASE_URL": url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "0",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_three_workers_deliver_each_of_a_thousand_messages_exactly_once(world, settings) -> None:
    """MSG-1: claims with SKIP LOCKED: no message is sent twice, none is left behind."""
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    queue(world, 1000)
    inbox = Inbox()
    server = start_smtp(inbox)
    try:
        workers = [worker(server.port, MESSAGE_BATCH="25") for _ in range(3)]
        for w in workers:
            _, err = w.communicate(timeout=240)
            assert w.returncode == 0, err.decode()[-2000:]
    finally:
        server.stop()
    ids = collections.Counter(m["Message-ID"] for m in inbox.received)
    assert len(ids) == 1000 and max(ids.values()) == 1
    assert Message.objects.filter(status="sent").count() == 1000
    assert DeliveryAttempt.objects.filter(outcome="sent").count() == 1000
    # Several took part: the race was real (a worker that started late may find nothing left).
    assert len(set(Message.objects.values_list("claimed_by", flat=True))) >= 2


class SlowInbox(Inbox):
    async def handle_DATA(self, server, session, envelope) -> str:
        time.sleep(0.01)  # a slow server keeps the worker mid-batch when it is killed
        return await super().handle_DATA(server, session, envelope)


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_one(world, settings) -> None:
    """MSG-1: SIGKILL between sending and recording; the claim lapses and another worker sends the
    rest, so every message arrives, and at most the one in flight arrives twice (same Message-ID)."""
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    queue(world, 300)
    inbox = SlowInbox()
    server = start_smtp(inbox)
    try:
        doomed = worker(server.port, MESSAGE_BATCH="40", MESSAGE_CLAIM_SECONDS="3")
        deadline = time.monotonic() + 60
        while len(inbox.received) < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
        assert 100 <= len(inbox.received) < 300, "killed mid-run"
        time.sleep(3.5)  # its claim lapses
        survivor = worker(server.port, MESSAGE_BATCH="40", MESSAGE_CLAIM_SECONDS="3")
        _, err = survivor.communicate(timeout=120)
        assert survivor.returncode == 0, err.decode()[-2000:]
    finally:
        server.stop()
    ids = collections.Counter(m["Message-ID"] for m in inbox.received)
    assert len(ids) == 300, "nothing lost"
    assert sum(n - 1 for n in ids.values()) <= 1, "at most the one in flight is repeated"
    assert Message.objects.filter(status="sent").count() == 300
