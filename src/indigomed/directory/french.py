"""The French names of the directory's reference lists (specialties, visit reasons, languages).

Each row carries its own ``name_fr``, so a specialty added later gets its French name where it is
added (the admin); the names IndigoMed ships are in ``data/french_names.csv`` and fill empty ones
(a migration for existing rows, the demo for its own). Pages show ``local_name``: the French name on
French pages when there is one, the English name otherwise.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import translation

NAMES_FILE = Path(__file__).with_name("data") / "french_names.csv"


@cache
def shipped_names() -> dict[tuple[str, str], str]:
    """(kind, key) -> French name, for kind "specialty" and "reason" (by slug) and "language" (by code)."""
    with NAMES_FILE.open(encoding="utf-8", newline="") as handle:
        return {(row["kind"], row["key"]): row["name_fr"] for row in csv.DictReader(handle)}


def fill_french_names(specialty: Any, reason: Any, language: Any) -> int:
    """Give the shipped French name to every row that has none; the number of rows named. Takes the
    model classes, so a migration can pass its historical ones."""
    named = 0
    for model, kind, key in (
        (specialty, "specialty", "slug"),
        (reason, "reason", "slug"),
        (language, "language", "code"),
    ):
        for pk, value in model.objects.filter(name_fr="").values_list("pk", key):
            french = shipped_names().get((kind, value))
            if french:
                named += model.objects.filter(pk=pk).update(name_fr=french)
    return named


def local(name: str, name_fr: str) -> str:
    """The name to show on the current page."""
    if name_fr and (translation.get_language() or "").startswith("fr"):
        return name_fr
    return name
