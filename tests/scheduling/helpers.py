from __future__ import annotations

import datetime as dt

from django.utils import timezone

from indigomed.directory.models import PractitionerRole
from indigomed.scheduling.models import Slot


def open_slot(role: PractitionerRole, *, after_hours: int = 72, index: int = 0) -> Slot:
    """An open slot comfortably past any cancellation cut-off."""
    return Slot.objects.filter(
        role=role, is_open=True, starts_at__gt=timezone.now() + dt.timedelta(hours=after_hours)
    ).order_by("starts_at")[index]


def soon_slot(role: PractitionerRole) -> Slot:
    """An open slot starting within the next few hours: inside a 24-hour cut-off."""
    start = timezone.now() + dt.timedelta(hours=2)
    return Slot.objects.create(
        role=role, visit_type=role.visit_types.first(), starts_at=start, ends_at=start + dt.timedelta(minutes=30)
    )


def past_slot(role: PractitionerRole) -> Slot:
    start = timezone.now() - dt.timedelta(hours=3)
    return Slot.objects.create(
        role=role, visit_type=role.visit_types.first(), starts_at=start, ends_at=start + dt.timedelta(minutes=30)
    )


def calendar_snapshot() -> tuple:
    """What a refused request must leave as it was: appointments, closed slots, time off and extra hours."""
    from indigomed.scheduling.models import Appointment, AvailabilityException

    return (
        list(Appointment.objects.order_by("pk").values_list("pk", "status", "slot_id")),
        list(Slot.objects.filter(is_open=False).order_by("pk").values_list("pk", flat=True)),
        Slot.objects.count(),
        list(AvailabilityException.objects.order_by("pk").values_list("pk", "kind", "starts_at", "ends_at")),
    )
