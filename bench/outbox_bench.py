"""Outbox delivery rate against bare smtplib, to the same in-process SMTP server, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_outbox_bench .venv/bin/python bench/outbox_bench.py

Workers run as `python -m indigomed worker --messages-only`, already polling when the batch of
messages commits; a round's time runs from that commit to the last message's arrival. Bare sends
are `smtplib.SMTP.send_message` over one connection, from this process. Target: one worker
delivers at least half as many messages per second as bare sends.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/indigomed_outbox_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indigomed.settings")
os.environ["MESSAGES_DELIVER_ON_COMMIT"] = "0"


def ensure_database(url: str) -> None:
    import psycopg

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def bare_rate(port: int, count: int, inbox) -> float:
    import smtplib

    before = len(inbox.received)
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for index in range(count):
            message = EmailMessage()
            message["From"] = "IndigoMed <no-reply@indigomed.test>"
            message["To"] = f"member{index % 10}@example.test"
            message["Subject"] = f"IndigoMed: message {index}"
            message["Message-ID"] = f"<bare-{index}-{time.time_ns()}@indigomed.test>"
            message.set_content("Hello,\n\nA message of the same size as the outbox's.\n")
            smtp.send_message(message)
    elapsed = time.perf_counter() - started
    assert len(inbox.received) - before == count
    return count / elapsed


def outbox_rate(port: int, count: int, workers: int, members: list[int], inbox) -> float:
    from django.db import transaction

    from indigomed.messaging.models import DeliveryAttempt, Message
    from indigomed.messaging.outbox import enqueue

    env = {
        **os.environ,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "600",
    }
    command = [sys.executable, "-m", "indigomed", "worker", "--messages-only", "--poll", "0.05"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) for _ in range(workers)]
    try:
        time.sleep(3)  # the workers have started and are polling an empty outbox
        DeliveryAttempt.objects.all().delete()
        Message.objects.all().delete()
        before = len(inbox.received)
        with transaction.atomic():
            for index in range(count):
                enqueue(
                    member_ids=[members[index % len(members)]],
                    kind="bench",
                    template="notice",
                    context={"subject": f"IndigoMed: message {index}", "body": "A message."},
                )
            started = time.perf_counter()
        while len(inbox.received) - before < count:
            time.sleep(0.005)
        elapsed = time.perf_counter() - started
        # The last delivery is recorded just after it arrives.
        while Message.objects.filter(status="sent").count() < count:
            time.sleep(0.05)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    assert Message.objects.filter(status="sent").count() == count
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from tests.messaging.conftest import Inbox, start_smtp

    from indigomed.accounts.models import Member, User
    from indigomed.accounts.services import create_member_profile

    members = list(Member.objects.values_list("user_id", flat=True)[:10])
    for index in range(len(members), 10):
        user = User.objects.create_user(f"bench.member{index}@example.test", None)
        create_member_profile(user=user, name=f"Bench Member {index}", date_of_birth=dt.date(1980, 1, 1), country="US")
        members.append(user.pk)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    inbox = Inbox()
    server = start_smtp(inbox)
    try:
        figures: dict[str, list[float]] = {"bare smtplib": [], "outbox, 1 worker": [], "outbox, 2 workers": []}
        for _ in range(args.rounds):
            figures["bare smtplib"].append(bare_rate(server.port, args.messages, inbox))
            figures["outbox, 1 worker"].append(outbox_rate(server.port, args.messages, 1, members, inbox))
            figures["outbox, 2 workers"].append(outbox_rate(server.port, args.messages, 2, members, inbox))
    finally:
        server.stop()
    bare = median(figures["bare smtplib"])
    print(f"{args.messages} messages per round, median of {args.rounds} rounds, PostgreSQL, in-process aiosmtpd:")
    for name, rates in figures.items():
        print(f"  {name:18} {median(rates):8.0f} messages/s  ({median(rates) / bare:5.0%} of bare smtplib)")


if __name__ == "__main__":
    main()
