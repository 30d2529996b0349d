"""The directory's small reference lists (specialties, reasons, plans, languages), looked up by slug.

They change rarely and are read by every search, so look-ups go through Django's cache (per
process by default, shared when a cache server is configured) for a few minutes. Unknown slugs
are remembered briefly too, so a stream of bad input costs no queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from indigomed.directory.french import local
from indigomed.directory.models import InsurancePlan, Language, Specialty, VisitReason

T = TypeVar("T")
TTL_SECONDS = 300
UNKNOWN_TTL_SECONDS = 30
_UNKNOWN = "unknown"


_SLUG = re.compile(r"[-a-z0-9_]{1,80}", re.ASCII)


def _cached(key: str, load: Callable[[], T | None]) -> T | None:
    if not _SLUG.fullmatch(key.rpartition(":")[2]):
        return None  # no slug looks like that: unknown, without a query or a cache key
    value = cache.get(key)
    if value is None:
        value = load()
        if value is None:
            cache.set(key, _UNKNOWN, UNKNOWN_TTL_SECONDS)
        else:
            cache.set(key, value, TTL_SECONDS)
    return None if value == _UNKNOWN else value


def specialty_for(slug: str) -> tuple[int, str] | None:
    """(id, name) of the specialty a specialty or visit-reason slug stands for; the name in the
    page's language (``directory.french``)."""

    def load() -> tuple[int, str, str] | None:
        found = Specialty.objects.filter(slug=slug).values_list("pk", "name", "name_fr").first()
        if found is None:
            found = (
                VisitReason.objects.filter(slug=slug)
                .values_list("specialty_id", "specialty__name", "specialty__name_fr")
                .first()
            )
        return found

    found = _cached(f"directory:what2:{slug}", load)
    return None if found is None else (found[0], local(found[1], found[2]))


def plan_id(slug: str) -> int | None:
    return _cached(
        f"directory:plan:{slug}", lambda: InsurancePlan.objects.filter(slug=slug).values_list("pk", flat=True).first()
    )


def language_id(code: str) -> int | None:
    return _cached(
        f"directory:language:{code}", lambda: Language.objects.filter(code=code).values_list("pk", flat=True).first()
    )
