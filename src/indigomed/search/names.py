"""The name index (``NameTerm``): rebuilt for a practitioner whenever their row is saved.

The directory knows nothing of search (search sits above it), so the index follows the directory
through Django's ``post_save``: every practitioner created or renamed through the ORM is indexed in
the same transaction. Bulk loads that bypass ``save()`` (``bulk_create``, ``update``, COPY) call
``index_names`` afterwards, or run ``python -m indigomed index_names``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from indigomed.directory.models import Practitioner
from indigomed.search.models import NameTerm
from indigomed.search.text import name_terms

BATCH = 5000


def terms_of(rows: Iterable[tuple[int, str, str]]) -> Iterator[tuple[int, str]]:
    """(practitioner id, term) for each (id, given name, family name)."""
    for practitioner_id, given, family in rows:
        for term in sorted(name_terms(given, family)):
            yield practitioner_id, term


@transaction.atomic
def index_names(practitioner_ids: Iterable[int] | None = None) -> int:
    """Rewrite the name terms of these practitioners (of everyone when ``None``); the number written."""
    practitioners = Practitioner.objects.order_by("pk")
    old = NameTerm.objects.all()
    if practitioner_ids is not None:
        ids = list(practitioner_ids)
        practitioners = practitioners.filter(pk__in=ids)
        old = old.filter(practitioner_id__in=ids)
    old.delete()
    written = 0
    batch: list[NameTerm] = []
    for practitioner_id, term in terms_of(practitioners.values_list("pk", "given_name", "family_name").iterator()):
        batch.append(NameTerm(practitioner_id=practitioner_id, term=term))
        if len(batch) == BATCH:
            written += len(NameTerm.objects.bulk_create(batch))
            batch = []
    written += len(NameTerm.objects.bulk_create(batch))
    return written


def _on_practitioner_saved(sender: type[Practitioner], instance: Practitioner, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is None or {"given_name", "family_name"} & set(fields):
        index_names([instance.pk])


def keep_index() -> None:
    post_save.connect(_on_practitioner_saved, sender=Practitioner, dispatch_uid="search.names.index")
