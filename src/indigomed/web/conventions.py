"""The reader of a page: who they are decides the conventions of ``indigomed.conventions``
(the rule is written there)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from indigomed.accounts.languages import languages_of
from indigomed.accounts.roles import actor_of
from indigomed.conventions import (
    LANGUAGES,
    Place,
    Reader,
    clock,
    distance,
    local_day,
    local_time,
    local_when,
    place_of,
    zone_label,
)
from indigomed.privacy.queries import member_country

__all__ = [
    "Place",
    "Reader",
    "clock",
    "distance",
    "local_day",
    "local_time",
    "local_when",
    "place_of",
    "reader_of",
    "zone_label",
]

# Where the request keeps its reader, once worked out.
_CACHE = "_indigomed_reader"

VISITOR = Reader()


def reader_of(request: HttpRequest | None) -> Reader:
    """The reader of a page, worked out once per request."""
    if request is None:
        return VISITOR
    cached = getattr(request, _CACHE, None)
    if isinstance(cached, Reader):
        return cached
    actor = actor_of(request)
    if actor.is_member and actor.user_id is not None:
        language = languages_of([actor.user_id]).get(actor.user_id, "en")
        reader = Reader(language=language if language in LANGUAGES else "en", country=member_country(actor.user_id))
    else:
        # The page's language (indigomed.web.language: the switch, else the browser's).
        asked = (getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request))[:2]
        reader = Reader(language=asked if asked in LANGUAGES else "en")
    setattr(request, _CACHE, reader)
    return reader
