"""What the words of the search box stand for: a specialty, a visit reason, a practitioner's name,
or a postal code.

Each word is read on its own. A word that begins a word of a specialty or visit reason ("cardio",
"knee", "dermatologist", "pédiatre") may mean that specialty, and may also be part of a name: a
practitioner fits the word if either holds. Any other word must be part of the practitioner's name.
Every word must fit, so "Lefèvre cardiology" finds the cardiologist named Lefèvre.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from indigomed import rawsql
from indigomed.directory import reference
from indigomed.errors import Invalid
from indigomed.search.text import MIN_PREFIX, query_words, words
from indigomed.text import HIDDEN_CONTROLS

MAX_TEXT = 100
# Names a word that may be a specialty can match and still be listed in the query.
MAX_LISTED_HOLDERS = 50
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


_folded: tuple[object, dict[str, frozenset[int]]] = (None, {})


def _vocabulary() -> dict[str, frozenset[int]]:
    """Each folded word of a specialty or visit-reason name, and each of its beginnings from
    ``MIN_PREFIX`` letters on, with the specialties it begins. English and French names alike:
    "cardiology" and "cardiologie" find the same practitioners. Built once per reference snapshot,
    so that reading a word is a dictionary look-up, not a pass over every name."""
    global _folded
    names = reference.snapshot().names
    source, index = _folded
    if source is not names:
        found: dict[str, set[int]] = {}
        for specialty_id, name in names:
            for known in words(name):
                found.setdefault(known, set()).add(specialty_id)
                for end in range(MIN_PREFIX, len(known)):
                    found.setdefault(known[:end], set()).add(specialty_id)
        index = {key: frozenset(ids) for key, ids in found.items()}
        _folded = (names, index)
    return index


def _stems(word: str) -> set[str]:
    stems = {word}
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            stems.add(word[: -len(ending)])
    return stems


def _specialties_for(word: str, vocabulary: dict[str, frozenset[int]]) -> tuple[int, ...]:
    # A stem shorter than MIN_PREFIX is in the index only as a whole word: it must equal one.
    found: set[int] = set()
    for stem in _stems(word):
        found |= vocabulary.get(stem, frozenset())
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


_NAMED = "EXISTS (SELECT 1 FROM search_nameterm n WHERE n.practitioner_id = r.practitioner_id AND n.term = %s)"
_IN_SPECIALTIES = (
    "EXISTS (SELECT 1 FROM directory_practitioner_specialties l "
    "WHERE l.practitioner_id = r.practitioner_id AND l.specialty_id IN ({marks}))"
)


# The SQL below is built from constant fragments and placeholders only; every value is a parameter.


def _holders(words: list[str]) -> dict[str, list[int]] | None:
    """For each word, the practitioners whose names hold it; ``None`` when too many to list."""
    # Ordered as the index is, so that the LIMIT never tempts a planner into scanning the table
    # for a word no name holds.
    rows = rawsql.rows(
        f"SELECT term, practitioner_id FROM search_nameterm WHERE term IN ({rawsql.placeholders(words)}) "  # noqa: S608  # nosec B608 # placeholders only, words as parameters
        "ORDER BY term, practitioner_id LIMIT %s",
        [*words, MAX_LISTED_HOLDERS + 1],
    )
    if len(rows) > MAX_LISTED_HOLDERS:
        return None
    found: dict[str, list[int]] = {word: [] for word in words}
    for term, practitioner_id in rows:
        found[term].append(practitioner_id)
    return found


def text_conditions(words: tuple[Word, ...], *, located: bool) -> tuple[list[str], list[object]]:
    """SQL conditions for the words of the search box, with their parameters.

    Every word must fit: as one of the specialties it may stand for, or as part of the name. The
    plans are chosen for PostgreSQL at national scale (bench/search_http.py): near a place, each
    candidate role of the area is checked against the name index; across the country, the names
    that hold every word are found first and their roles sorted. A word that may be a specialty is
    first looked up among names: it rarely is one, and then it is the plain specialty filter.
    """
    conditions: list[str] = []
    params: list[object] = []
    names_only = [word.text for word in words if not word.specialty_ids]
    if names_only and located:
        conditions += [_NAMED] * len(names_only)
        params += names_only
    elif names_only:
        marks = rawsql.placeholders(names_only)
        conditions.append(
            f"r.practitioner_id IN (SELECT practitioner_id FROM search_nameterm WHERE term IN ({marks}) "  # noqa: S608  # nosec B608 # placeholders only, words as parameters
            "GROUP BY practitioner_id HAVING COUNT(*) = %s)"
        )
        params += [*names_only, len(names_only)]
    meaningful = [word for word in words if word.specialty_ids]
    holders = _holders([word.text for word in meaningful]) if meaningful else {}
    for word in meaningful:
        specialty = _IN_SPECIALTIES.format(marks=rawsql.placeholders(word.specialty_ids))
        listed = holders.get(word.text) if holders is not None else None
        if listed == []:
            conditions.append(specialty)
            params += word.specialty_ids
        elif listed:
            conditions.append(f"({specialty} OR r.practitioner_id IN ({rawsql.placeholders(listed)}))")
            params += [*word.specialty_ids, *listed]
        elif located:
            conditions.append(f"({specialty} OR {_NAMED})")
            params += [*word.specialty_ids, word.text]
        else:
            marks = rawsql.placeholders(word.specialty_ids)
            conditions.append(
                "r.practitioner_id IN (SELECT practitioner_id FROM directory_practitioner_specialties "  # noqa: S608  # nosec B608 # placeholders only, words as parameters
                f"WHERE specialty_id IN ({marks}) "
                "UNION ALL SELECT practitioner_id FROM search_nameterm WHERE term = %s)"
            )
            params += [*word.specialty_ids, word.text]
    return conditions, params


def check_text(text: str) -> None:
    """Refuses text too long for the box, or holding control or invisible characters."""
    if len(text) > MAX_TEXT:
        raise Invalid(_("Search with at most %(count)d characters.") % {"count": MAX_TEXT}, field="text")
    # Control characters and invisible direction marks would be echoed in the page's heading.
    if any(unicodedata.category(c) == "Cc" or c in HIDDEN_CONTROLS for c in text):
        raise Invalid(
            _("Type letters, digits and spaces only: remove the control or invisible characters."), field="text"
        )
