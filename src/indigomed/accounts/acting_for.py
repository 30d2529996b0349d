"""The one place that says whom a guardian may act for (CHILD-3): their own active dependents only.

Anyone else's dependent, an ended guardianship or an unknown id is "not found", so an outsider
learns nothing about whether the person exists.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _

from indigomed.accounts.models import Guardianship, User
from indigomed.errors import NotFound


def active_guardianships(guardian: Any) -> list[Guardianship]:
    """The signed-in member's active guardianships, the oldest first."""
    if not getattr(guardian, "is_authenticated", False):
        return []
    return list(
        Guardianship.objects.filter(guardian_id=guardian.pk, ended_at__isnull=True)
        .select_related("dependent")
        .order_by("since", "pk")
    )


def dependent_for(guardian: Any, public_id: uuid.UUID | str) -> User:
    """The dependent this guardian may act for; ``NotFound`` for anyone else."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound(_("We could not find that dependent.")) from exc
    found = (
        Guardianship.objects.filter(
            guardian_id=getattr(guardian, "pk", None), dependent__public_id=key, ended_at__isnull=True
        )
        .select_related("dependent")
        .first()
    )
    if found is None:
        raise NotFound(_("We could not find that dependent."))
    return found.dependent
