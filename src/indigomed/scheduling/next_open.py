"""The search aid ``PractitionerRole.next_open_at``, kept in step with the slots."""

from __future__ import annotations

from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from indigomed.directory.models import PractitionerRole
from indigomed.scheduling.models import Slot


def refresh_next_open(*, role_ids: list[int]) -> None:
    """Recompute the search aid ``next_open_at`` of some roles from their open future slots."""
    soonest = (
        Slot.objects.filter(role_id=OuterRef("pk"), is_open=True, starts_at__gt=timezone.now())
        .order_by()
        .values("role_id")
        .annotate(first=Min("starts_at"))
        .values("first")
    )
    PractitionerRole.objects.filter(pk__in=role_ids).update(next_open_at=Subquery(soonest))
