"""Reading what people type: words folded so that "Lefèvre", "LEFEVRE" and "lefevre" are one word.

The same folding builds the name index (``search.names``) and reads the search box, so a name is
found however its accents and capitals are typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_JOINERS = re.compile(r"['’`\-‐‑]")

MAX_TERM = 40  # the longest word kept, and the column's width
MIN_PREFIX = 3  # a word is found from its first three letters on
MAX_WORDS = 8  # the search box reads this many words at most
# Titles people type before a name; they are part of no name.
TITLES = frozenset({"dr", "doctor", "docteur", "doc", "pr", "prof", "professor", "professeur", "mr", "mrs", "ms"})


def fold(text: str) -> str:
    """Lower case, accents and ligatures removed, anything but letters and digits a space."""
    # Decomposed first, so that "𝔇" and "Ｄ" become a "D" that then loses its capital.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold().translate(_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", plain).strip()


def words(text: str, *, joined: bool = False) -> list[str]:
    """The folded words of a text; with ``joined``, "Nguyen-Ardent" and "O'Brien" also as one word
    ("nguyenardent"), so that a name is found however its hyphens and apostrophes are typed."""
    found: list[str] = []
    for chunk in text.split():
        parts = fold(chunk).split()
        if joined and len(parts) > 1:
            parts.append(fold(_JOINERS.sub("", chunk)).replace(" ", ""))
        for word in parts:
            word = word[:MAX_TERM]
            if word and word not in found:
                found.append(word)
    return found


def name_terms(*names: str) -> set[str]:
    """What a name is found by: each word, and each of its beginnings from ``MIN_PREFIX`` letters on."""
    terms: set[str] = set()
    for word in words(" ".join(names), joined=True):
        if len(word) < 2:
            continue
        terms.add(word)
        terms.update(word[:end] for end in range(MIN_PREFIX, len(word)))
    return terms


def query_words(text: str) -> Iterator[str]:
    """The words of a search worth looking up: no titles, no single letters, at most ``MAX_WORDS``."""
    kept = 0
    for word in words(text):
        if len(word) < 2 or word in TITLES:
            continue
        yield word
        kept += 1
        if kept == MAX_WORDS:
            return
