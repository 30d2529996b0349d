"""A real SMTP server in the test process (aiosmtpd), and helpers to read what reached it."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the server accepted; it answers "451 try later" to the first ``refuse`` deliveries
    (all of them when ``refuse`` is negative), and "550 no such mailbox" to the ``unknown``."""

    refuse: int = 0
    unknown: set[str] = field(default_factory=set)
    received: list[EmailMessage] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.unknown:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            if self.refuse != 0:
                self.refuse -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp(inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


@pytest.fixture
def smtp(settings, tmp_path: Path):
    """Django's SMTP backend pointed at an in-process server; SMS and letters in a temporary folder;
    nothing delivered after commit, so only the worker's deliveries are seen."""
    inbox = Inbox()
    controller = start_smtp(inbox)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.MESSAGES_DIR = tmp_path / "messages"
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    yield inbox
    controller.stop()
    nothing_medical_where_others_see(inbox, settings.MESSAGES_DIR)


def nothing_medical_where_others_see(inbox: Inbox, folder: Path) -> None:
    """MSG-2, for every message of every test using the server: no subject line or SMS names a
    visit reason, a specialty or a sensitivity tag known to the directory or the policy."""
    from indigomed.directory.models import Specialty, VisitReason
    from indigomed.privacy.policy import current_policy

    words = {name for name in VisitReason.objects.values_list("name", flat=True)}
    words |= set(Specialty.objects.values_list("name", flat=True))
    for tag, label in current_policy().tags.items():
        words |= {tag, tag.replace("_", " "), label}
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words) if w) + r")\b", re.IGNORECASE)
    for seen in [str(m["Subject"]) for m in inbox.received] + sms_sent(folder):
        found = pattern.search(seen)
        assert found is None, f"{found.group(0)!r} where others may read it: {seen!r}"


def sms_sent(folder: Path) -> list[str]:
    return sorted(p.read_text() for p in (folder / "sms").glob("*.txt")) if (folder / "sms").exists() else []


def letters_sent(folder: Path) -> list[Path]:
    return sorted((folder / "letters").glob("*.pdf")) if (folder / "letters").exists() else []
