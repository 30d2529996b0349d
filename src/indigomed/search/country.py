"""Which country a searcher most likely means, from what their browser says about them.

A French-language browser (``Accept-Language`` whose first choice is French) points to France: a
postal code that exists in France and in the United States then means the French one. English says
nothing here, since the site speaks English to everyone who does not ask for French.
"""

from __future__ import annotations

from django.http import HttpRequest

from indigomed.web.language import chosen_language

MAX_HEADER = 500  # longer headers are read no further: nobody prefers a fiftieth language


def preferred_language(header: str) -> str | None:
    """The primary subtag of the browser's most preferred language ("fr" for "fr-CA,en;q=0.8")."""
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(header[:MAX_HEADER].split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = tag.strip().split("-")[0].lower()
        # A primary language subtag is one to eight letters (RFC 5646).
        if not (language.isascii() and language.isalpha() and len(language) <= 8) or not 0 < quality <= 1:
            continue
        candidate = (-quality, position, language)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None


def country_hint(request: HttpRequest) -> str | None:
    """ "FR" for a French-language browser, or for someone who chose French pages; otherwise no hint."""
    if chosen_language(request) == "fr":
        return "FR"
    return "FR" if preferred_language(request.headers.get("Accept-Language", "")) == "fr" else None
