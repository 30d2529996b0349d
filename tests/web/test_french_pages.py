"""Issue 12 "French throughout": every page a persona can open reads in French, and no sentence the
catalogue translates is left in English on it."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

import indigomed
from tests.web.site_walk import text_of, walk

CATALOGUE = Path(indigomed.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>|\{\{.*?\}\}")
# Shorter msgids ("Any", "Next") are only looked for as a whole piece of text: inside other text
# they are ordinary words of names and addresses.
MIN_WORDS_INSIDE = 4
# Template folders whose pages would be checked only for their language (lang="fr", the shared header
# and footer): none, every page is in French.
NOT_YET_FRENCH: tuple[str, ...] = ()


def translated_msgids() -> list[tuple[str, list[str]]]:
    """(msgid, its literal fragments) for each message whose French differs from its English."""
    with CATALOGUE.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    found = []
    for key, french in catalog.items():
        if not isinstance(key, str) or not key or key == french:
            continue
        msgid = key.split("\x04")[-1]  # a msgctxt comes first
        fragments = [" ".join(part.split()) for part in _PLACEHOLDER.split(msgid)]
        found.append((" ".join(msgid.split()), [f for f in fragments if f]))
    return found


def untranslated(pieces: list[str], msgids: list[tuple[str, list[str]]]) -> set[str]:
    left = set()
    text = set(pieces)
    for msgid, fragments in msgids:
        if msgid in text:
            left.add(msgid)
            continue
        for fragment in fragments:
            if len(fragment.split()) >= MIN_WORDS_INSIDE and any(fragment in piece for piece in pieces):
                left.add(msgid)
    return left


def test_the_check_finds_an_english_sentence_it_knows() -> None:
    msgids = translated_msgids()
    assert len(msgids) > 200
    page = '<html lang="fr"><p>No practitioner sees patients here at the moment.</p><button>Suivante</button></html>'
    assert untranslated(text_of(page), msgids) == {"No practitioner sees patients here at the moment."}
    assert untranslated(text_of('<nav aria-label="Result pages">x</nav><p>Next</p>'), msgids) == {
        "Result pages",
        "Next",
    }


@pytest.mark.django_db
def test_every_page_each_persona_opens_reads_in_french(world) -> None:
    msgids = translated_msgids()
    walked: dict[str, set[str]] = {}
    english: dict[str, set[str]] = {}
    for page in walk(world, language="fr-FR,fr;q=0.9"):
        walked.setdefault(page.persona.name, set()).add(page.address)
        assert '<html lang="fr">' in page.html, (page.persona.name, page.address)
        if any(name.startswith(NOT_YET_FRENCH) for name in page.templates):
            continue
        left = untranslated(text_of(page.html), msgids)
        if left:
            english[f"{page.persona.name} {page.address}"] = left
    assert english == {}, sorted(english.items())
    # The walk reaches each persona's own pages, not just the public ones.
    assert {"/", "/search/", "/practitioners/ada-hart/", "/facilities/hudson-clinic/"} <= walked["visitor"]
    assert {"/appointments/", "/me/sessions/"} <= walked["member"]
    assert any(a.startswith("/appointments/") and a != "/appointments/" for a in walked["member"])
    assert "/connect/" in walked["practitioner"]
    assert f"/partners/{world.ny_clinic.pk}/" in walked["facility admin"]
    assert "/office/" in walked["privacy officer"]
    # A request the office answered, as the member and the officer read it.
    assert any(a.startswith("/me/requests/") and a.count("/") == 4 for a in walked["member"])
    assert any(a.startswith("/office/requests/") and a.count("/") == 4 for a in walked["privacy officer"])
