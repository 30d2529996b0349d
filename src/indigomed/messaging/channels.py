"""The ways a message travels: e-mail through Django's backends, SMS and letters through
backends named in settings (``SMS_BACKEND``, ``LETTER_BACKEND``).

The default SMS and letter backends write each message to a folder under ``MESSAGES_DIR``, named
by its Message-ID so that a resend after a crash overwrites rather than duplicates. A letter is
a PDF made by WeasyPrint, with a mailing record beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

EMAIL, SMS, LETTER = "email", "sms", "letter"
CHANNELS = (EMAIL, SMS, LETTER)


@dataclass(frozen=True)
class Letter:
    message_id: str
    pdf: bytes
    pages: int


class SMSBackend(Protocol):
    def send(self, *, message_id: str, to: str, text: str) -> None: ...


class LetterBackend(Protocol):
    def send(self, *, letter: Letter) -> None: ...


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_bytes(content)
    os.replace(partial, path)  # a reader never sees half a message


def _file_name(message_id: str) -> str:
    return message_id.strip("<>").replace("@", "_at_")


class FolderSMSBackend:
    """Writes each SMS to ``MESSAGES_DIR/sms/<message-id>.txt``: the demo's and the tests' phone."""

    def send(self, *, message_id: str, to: str, text: str) -> None:
        body = f"To: {to}\nMessage-ID: {message_id}\n\n{text}\n"
        _write_atomically(Path(settings.MESSAGES_DIR) / "sms" / f"{_file_name(message_id)}.txt", body.encode())


class FolderLetterBackend:
    """Writes each letter to ``MESSAGES_DIR/letters/<message-id>.pdf`` with a mailing record
    (``.json``: when it was posted, its pages and the PDF's digest) for the print room."""

    def send(self, *, letter: Letter) -> None:
        folder = Path(settings.MESSAGES_DIR) / "letters"
        name = _file_name(letter.message_id)
        _write_atomically(folder / f"{name}.pdf", letter.pdf)
        record = {
            "message_id": letter.message_id,
            "posted_at": timezone.now().isoformat(),
            "pages": letter.pages,
            "class": "first-class",
            "sha256": hashlib.sha256(letter.pdf).hexdigest(),
        }
        _write_atomically(folder / f"{name}.json", json.dumps(record, indent=2).encode())


@cache
def _backend(path: str) -> Any:
    return import_string(path)()


def sms_backend() -> SMSBackend:
    return _backend(settings.SMS_BACKEND)


def letter_backend() -> LetterBackend:
    return _backend(settings.LETTER_BACKEND)


class Mailer:
    """One SMTP connection for a batch, opened on the first e-mail and closed at the end.

    After a failure the connection is dropped, so the next message starts on a fresh one.
    """

    def __init__(self) -> None:
        self._connection: Any = None

    def send(self, *, message_id: str, to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
            self._connection.open()
        email = EmailMultiAlternatives(
            subject=subject,
            body=body,
            to=[to],
            connection=self._connection,
            headers={"Message-ID": message_id, **(headers or {})},
        )
        try:
            email.send(fail_silently=False)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            # A connection already broken has nothing left to close.
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None


def make_letter(*, message_id: str, html: str) -> Letter:
    """The PDF of a letter from its HTML (the same template as the e-mail, in a page layout)."""
    from weasyprint import HTML  # imported here: loading Pango costs time every process would pay

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return Letter(message_id=message_id, pdf=document.write_pdf(), pages=len(document.pages))
