"""MSG-1, MSG-2: every message about a correction or a restriction exists in English and French,
links to where the member (or the practice, or the office) reads the rest, and says nothing of the
record, its values or the office's words in its subject or text message."""

from __future__ import annotations

import pytest

from indigomed.messaging.rendering import LANGUAGES, render
from indigomed.messaging.rights import AMENDMENT_NOTICE_KINDS, RIGHTS_UPDATE_KINDS

CONTEXT = {
    "link": "/me/amendments/",
    "by_rule": True,
    "amended_on": "2027-03-01",
    "recipients": ["Superior Court, County of Example"],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(RIGHTS_UPDATE_KINDS | AMENDMENT_NOTICE_KINDS))
def test_each_message_renders_in_each_language_and_keeps_details_behind_the_link(kind, language) -> None:
    text = render(kind=kind, language=language, context=CONTEXT)
    assert text.subject.startswith("IndigoMed") and text.sms.startswith("IndigoMed") and text.body.strip()
    assert "/me/amendments/" in text.sms and "/me/amendments/" in text.body
    for quiet in (text.subject, text.sms):
        assert "Superior Court" not in quiet and "2027" not in quiet
    if kind == "amendment-pass-on":
        assert "Superior Court, County of Example" in text.body
    if kind == "amendment-recipient":
        assert "2027-03-01" in text.body
