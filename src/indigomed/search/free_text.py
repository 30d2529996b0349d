"""What the words of the search box stand for: a specialty, a visit reason, a practitioner's name,
or a postal code.

Each word is read on its own. A word that begins a word of a specialty or visit reason ("cardio",
"knee", "dermatologist", "pédiatre") may mean that specialty, and may also be part of a name: a
practitioner fits the word if either holds. Any other word must be part of the practitioner's name.
Every word must fit, so "Lefèvre cardiology" finds the cardiologist named Lefèvre.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from indigomed.directory.models import Specialty, VisitReason
from indigomed.search.text import MIN_PREFIX, query_words, words

TTL_SECONDS = 300
_CACHE_KEY = "search:vocabulary"
# Words that join the others without meaning anything a practitioner could fit.
_ENGLISH_STOPS = {"a", "an", "and", "at", "for", "in", "near", "of", "the", "my", "with", "to"}
_FRENCH_STOPS = {"au", "aux", "chez", "de", "des", "du", "en", "et", "la", "le", "les", "pour", "pres", "un", "une"}
STOP_WORDS = frozenset(_ENGLISH_STOPS | _FRENCH_STOPS | {"ma", "mes", "mon"})
# Endings that turn a specialty into its practitioner, in English and French: "cardiologist",
# "cardiologue", "pediatrician", "pédiatre", "dentiste". Stripped, the stem begins the specialty.
_ENDINGS = ("ists", "ist", "ians", "ian", "ues", "ue", "es", "s", "e")
_MIN_STEM = 4


@dataclass(frozen=True)
class Word:
    """One word of the search box and the specialties it may stand for (none: a name only)."""

    text: str
    specialty_ids: tuple[int, ...]


@dataclass(frozen=True)
class Understood:
    words: tuple[Word, ...]
    postal_code: str | None


def _vocabulary() -> list[tuple[int, tuple[str, ...]]]:
    """(specialty id, folded words) for each specialty and visit-reason name; cached a few minutes."""
    found = cache.get(_CACHE_KEY)
    if found is None:
        entries = [(pk, name) for pk, name in Specialty.objects.values_list("pk", "name")]
        entries += list(VisitReason.objects.values_list("specialty_id", "name"))
        found = [(pk, tuple(words(name))) for pk, name in entries]
        cache.set(_CACHE_KEY, found, TTL_SECONDS)
    return list(found)


def _stems(word: str) -> set[str]:
    stems = {word}
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            stems.add(word[: -len(ending)])
    return stems


def _specialties_for(word: str, vocabulary: list[tuple[int, tuple[str, ...]]]) -> tuple[int, ...]:
    stems = _stems(word)
    found = {
        specialty_id
        for specialty_id, entry in vocabulary
        for known in entry
        for stem in stems
        if known == stem or (len(stem) >= MIN_PREFIX and known.startswith(stem))
    }
    return tuple(sorted(found))


def understand(text: str, *, postal_code_given: bool) -> Understood:
    """The words of a search and what each may mean; a five-digit word is a postal code unless one was given."""
    vocabulary = _vocabulary()
    meant: list[Word] = []
    postal_code = None
    for word in query_words(text):
        if len(word) == 5 and word.isdigit():
            if not postal_code_given and postal_code is None:
                postal_code = word
            continue
        if word in STOP_WORDS:
            continue
        meant.append(Word(word, _specialties_for(word, vocabulary)))
    return Understood(tuple(meant), postal_code)
