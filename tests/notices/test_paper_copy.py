"""RIGHT-PAPER, NOTICE-1: any version as a PDF with its effective date at the top left of the first
page, and on request as a letter through the outbox."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader

from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.models import Message
from indigomed.messaging.routing import Choice
from indigomed.records.services import set_contact_preferences
from tests.notices.conftest import publish

pytestmark = pytest.mark.django_db


def first_page_lines(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    """Each piece of text on the first page with its position (x, y from the bottom) and the page's size."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    found: list[tuple[str, float, float, float, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            # The text matrix places it within the current transformation; combine both.
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y, width, height))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize(("lang", "said"), [("en", "Effective 1 March 2026"), ("fr", "1 mars 2026")])
def test_any_version_downloads_as_a_pdf_with_its_effective_date_at_the_top_left(officer, lang, said) -> None:
    """NOTICE-1 [D]: the effective date is on the first page, in the top left corner."""
    publish(officer, on=dt.date(2026, 3, 1))
    publish(officer, on=dt.date(2026, 9, 1))
    response = Client().get(f"/privacy/v/1.pdf?lang={lang}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    lines = first_page_lines(response.content)
    first_text, x, y, width, height = lines[0]
    assert said in first_text
    assert x < width * 0.15 and y > height * 0.85  # top left
    assert all(line[2] <= y + 0.5 for line in lines)  # nothing above it
    assert Client().get("/privacy/v/3.pdf").status_code == 404
    assert Client().get("/terms/v/1.pdf").status_code == 404


def test_a_member_has_a_paper_copy_posted_as_a_letter(world, officer, settings, tmp_path: Path) -> None:
    """RIGHT-PAPER: a paper copy on request, through the outbox, by post."""
    settings.MESSAGES_DIR = str(tmp_path)
    version = publish(officer, on=dt.date(2026, 3, 1))
    set_contact_preferences(
        member_id=world.member.pk,
        choice=Choice(channels=("email",), postal_address="1 Example Street\n10016 New York").stored(),
    )
    member = Client()
    member.force_login(world.member)
    assert "Post it to me" in member.get("/privacy/paper/").content.decode()
    assert member.post("/privacy/paper/", {"kind": "privacy", "number": "1"}).status_code == 302
    again = member.post("/privacy/paper/", {"kind": "privacy", "number": "1"})
    assert again.status_code == 409 and "already on its way" in again.content.decode()
    assert member.post("/privacy/paper/", {"kind": "privacy", "number": "7"}).status_code == 404
    assert member.post("/privacy/paper/", {"kind": "nonsense", "number": "1"}).status_code == 400
    assert Message.objects.filter(kind="notice-paper-copy", about_ref=version.ref).count() == 1
    deliver_until_idle()
    message = Message.objects.get(kind="notice-paper-copy")
    assert message.status == "sent" and message.channel == "letter"  # by post, though e-mail is their first choice
    letters = list((tmp_path / "letters").glob("*.pdf"))
    assert len(letters) == 1
    text = "".join(page.extract_text() for page in PdfReader(letters[0]).pages)
    assert "Effective 1 March 2026" in text and "We answer within 20 days." in text
    assert json.loads(letters[0].with_suffix(".json").read_text())["pages"] >= 1
    # Visitors download; only members have copies posted.
    assert Client().post("/privacy/paper/", {"kind": "privacy", "number": "1"}).status_code == 302
    assert Message.objects.filter(kind="notice-paper-copy").count() == 1
