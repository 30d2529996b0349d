"""What a message says, in the member's language, for the channel it goes by.

Each kind has one template per language (``messaging/<kind>.<lang>.txt``) with three parts: the
subject, the SMS and the body. Subjects and SMS never name a visit reason, a specialty, a
practitioner or a facility (MSG-2): they are read on lock screens and by whoever shares a phone.
The body names the practitioner and place only when the visit is not of a protected kind; the
rest sits behind a sign-in link. A letter is the body laid out on a page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from indigomed.conventions import Reader, clock, local_time, place_of
from indigomed.messaging import request_notes

LANGUAGES = ("en", "fr")
_PARTS = ("subject", "sms", "body")


@dataclass(frozen=True)
class Rendered:
    subject: str
    sms: str
    body: str


def _context(context: dict[str, Any], language: str) -> dict[str, Any]:
    values = dict(context)
    values["site"] = settings.SITE_URL
    for name in ("link", "join"):
        if name in values:
            values[name] = settings.SITE_URL + str(values[name])
    zone = ZoneInfo(str(values.get("timezone") or "UTC"))
    for name in ("effective_on", "due_on", "new_due_on"):
        if values.get(name):
            values[name] = dt.date.fromisoformat(str(values[name]))
    # Times as people say them where the visit happens: "9:00 AM EST", "09:00, heure de Paris".
    place = place_of(zone)
    reader = Reader(language=language)
    for name, prefix in (("starts_at", "starts"), ("previous_starts_at", "previous")):
        if values.get(name):
            when = dt.datetime.fromisoformat(str(values[name])).astimezone(zone)
            values[name] = when
            values[f"{prefix}_clock"] = clock(when, place, reader)
            values[f"{prefix}_time"] = local_time(when, place, reader)
    return values


def render(*, kind: str, language: str, context: dict[str, Any]) -> Rendered:
    """The subject, SMS and body of a message; ``language`` falls back to English."""
    language = language if language in LANGUAGES else "en"
    values = _context(context, language)
    with translation.override(language), timezone.override(ZoneInfo(str(context.get("timezone") or "UTC"))):
        if values.get("note_code"):
            # A request's answer names what it gave by a code: the sentence is the reader's language's.
            params = dict(values.get("note_params") or {})
            if params.get("page"):
                params["page"] = settings.SITE_URL + str(params["page"])
            values["note"] = request_notes.note_text(str(values["note_code"]), params) or values.get("note", "")
        text = render_to_string(f"messaging/{kind}.{language}.txt", values)
    parts: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("--- ") and line[4:].strip() in _PARTS:
            current = line[4:].strip()
            parts[current] = []
        elif current is not None:
            parts[current].append(line)
    subject = " ".join(" ".join(parts["subject"]).split())
    sms = " ".join(" ".join(parts["sms"]).split())
    body = "\n".join(parts["body"]).strip() + "\n"
    return Rendered(subject=subject, sms=sms, body=body)


def render_letter(*, language: str, rendered: Rendered, name: str, postal_address: str, message_id: str) -> str:
    """The HTML of a letter: the member's name and postal address in the envelope's window, the
    subject and the body; the envelope shows nothing but the address (MSG-2)."""
    language = language if language in LANGUAGES else "en"
    with translation.override(language):
        return render_to_string(
            "messaging/letter.html",
            {
                "language": language,
                "name": name,
                "address_lines": [line for line in postal_address.splitlines() if line.strip()],
                "subject": rendered.subject,
                "paragraphs": [p for p in rendered.body.split("\n\n") if p.strip()],
                "date": timezone.now(),
                "message_id": message_id,
            },
        )


def for_guardian(text: Rendered, *, language: str, name: str | None) -> Rendered:
    """A dependent's message as their guardian reads it (CHILD-3): the body says whom it is about,
    by first name only; the subject and the text message, read on lock screens, name nobody."""
    first = (name or "").split()[0] if (name or "").split() else ""
    language = language if language in LANGUAGES else "en"
    with translation.override(language):
        if first:
            intro = gettext("This message is about %(first_name)s, whose guardian you are.") % {"first_name": first}
        else:
            intro = gettext("This message is about someone whose guardian you are.")
    return Rendered(subject=text.subject, sms=text.sms, body=f"{intro}\n\n{text.body}")
