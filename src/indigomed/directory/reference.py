"""The directory's small reference lists (specialties, reasons, plans, languages), looked up by slug.

They change rarely and every search reads them, so each process holds one snapshot of all four
lists (a few hundred rows, loaded in four statements) and looks slugs up in dictionaries: a search
spends no statement on them. Asking the shared cache instead cost a database round trip per
look-up (the cache is a table unless Redis is configured), more than the search's own statement.

A snapshot is dropped when one of these rows is saved or deleted in this process (and again when
that transaction commits, so a reader inside it cannot keep a state that is rolled back), and is
reloaded at most ``TTL_SECONDS`` after it was read, which bounds how long another process (an
admin on another app server) goes unnoticed: a minute, against five with the shared cache.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from indigomed.directory.french import local
from indigomed.directory.models import InsurancePlan, Language, Specialty, VisitReason

TTL_SECONDS = 60


@dataclass(frozen=True)
class Snapshot:
    """The reference lists as one process read them at ``loaded_at`` (``time.monotonic``)."""

    loaded_at: float
    # slug -> (specialty id, English name, French name) of the specialty the slug stands for
    what: dict[str, tuple[int, str, str]]
    plans: dict[str, int]  # slug -> id
    languages: dict[str, int]  # code -> id
    # (specialty id, name) for every specialty and visit-reason name, English and French alike
    names: tuple[tuple[int, str], ...]


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def _load() -> Snapshot:
    what = {
        slug: (pk, name, name_fr)
        for pk, slug, name, name_fr in Specialty.objects.values_list("pk", "slug", "name", "name_fr")
    }
    names = [(pk, name) for pk, name, _ in what.values()]
    names += [(pk, name_fr) for pk, _, name_fr in what.values() if name_fr]
    for slug, specialty_id, name, name_fr, s_name, s_name_fr in VisitReason.objects.values_list(
        "slug", "specialty_id", "name", "name_fr", "specialty__name", "specialty__name_fr"
    ):
        # A specialty's own slug wins over a reason's, as the look-up by slug always did.
        what.setdefault(slug, (specialty_id, s_name, s_name_fr))
        names.append((specialty_id, name))
        if name_fr:
            names.append((specialty_id, name_fr))
    return Snapshot(
        loaded_at=time.monotonic(),
        what=what,
        plans=dict(InsurancePlan.objects.values_list("slug", "pk")),
        languages=dict(Language.objects.values_list("code", "pk")),
        names=tuple(names),
    )


def snapshot() -> Snapshot:
    """This process's reference lists, read again when older than ``TTL_SECONDS``."""
    global _snapshot
    current = _snapshot
    if current is not None and time.monotonic() - current.loaded_at < TTL_SECONDS:
        return current
    with _lock:
        current = _snapshot
        if current is None or time.monotonic() - current.loaded_at >= TTL_SECONDS:
            current = _snapshot = _load()
    return current


def forget() -> None:
    """Drop this process's snapshot: the next look-up reads the lists again."""
    global _snapshot
    _snapshot = None


def specialty_for(slug: str) -> tuple[int, str] | None:
    """(id, name) of the specialty a specialty or visit-reason slug stands for; the name in the
    page's language (``directory.french``)."""
    found = snapshot().what.get(slug)
    return None if found is None else (found[0], local(found[1], found[2]))


def plan_id(slug: str) -> int | None:
    return snapshot().plans.get(slug)


def language_id(code: str) -> int | None:
    return snapshot().languages.get(code)


def _changed(**kwargs: Any) -> None:
    forget()
    transaction.on_commit(forget, using=kwargs.get("using"))


def follow_changes() -> None:
    """Drop the snapshot whenever a reference row is saved or deleted in this process."""
    for model in (Specialty, VisitReason, InsurancePlan, Language):
        uid = f"directory.reference.{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.deleted")
