"""What a change of a calendar's rules does to its open slots (BOOK-1): the future open slots are
made again from the rules now in force, and a booked one is never touched.

A booking that no longer fits stays booked and keeps its time (no open slot is cut across it);
``scheduling.misfits`` lists it for the practice to move with the patient. The rules themselves
are changed in ``scheduling.practice_rules``, each change through ``changing_calendar``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.directory.models import PractitionerRole
from indigomed.directory.services import administered_facility, role_at
from indigomed.errors import Conflict
from indigomed.scheduling.availability import SlotSpec
from indigomed.scheduling.models import Appointment, Slot
from indigomed.scheduling.next_open import refresh_next_open
from indigomed.scheduling.opening_hours import LIVE, planned_slots
from indigomed.scheduling.reach import horizon_days

T = TypeVar("T")


def changing_calendar(actor: Any, facility_id: int, role_id: int, change: Callable[[PractitionerRole], T]) -> T:
    """Run one change of a calendar and, if it changed anything (a result that is neither ``None``
    nor ``False``), regenerate its open slots, in one transaction."""
    try:
        with transaction.atomic():
            facility = administered_facility(actor, facility_id, lock=True)
            role = role_at(facility, role_id)
            result = change(role)
            if result is not None and result is not False:
                regenerate_open_slots(role)
    except IntegrityError as exc:
        # A patient booked one of the times being closed at this very moment: their booking won.
        raise Conflict(_("A patient booked a time as you saved. Nothing was changed; please try again.")) from exc
    return result


@dataclass(frozen=True, slots=True)
class Regenerated:
    opened: int
    closed: int


def _overlaps(spec: SlotSpec, held: Iterable[tuple[dt.datetime, dt.datetime]]) -> bool:
    return any(spec.starts_at < end and start < spec.ends_at for start, end in held)


def regenerate_open_slots(role: PractitionerRole) -> Regenerated:
    """Make the role's future open slots those its rules make now, in the caller's transaction.

    A slot held by a booking is never touched, and no open slot is cut across one. A free slot
    the new rules keep is kept (or changed to the new length or type); one they drop is deleted,
    or closed if a cancelled booking still names it. A deactivated role keeps no open slot.
    """
    now = timezone.now()
    zone = ZoneInfo(role.facility.timezone)
    today = now.astimezone(zone).date()
    last = today + dt.timedelta(days=horizon_days())
    latest = Slot.objects.filter(role=role, starts_at__gt=now).aggregate(latest=Max("starts_at"))["latest"]
    if latest is not None:
        last = max(last, latest.astimezone(zone).date())
    held = list(
        Appointment.objects.filter(role=role, status__in=LIVE, ends_at__gt=now).values_list("starts_at", "ends_at")
    )
    planned = planned_slots(role=role, first_day=today, last_day=last) if role.is_active else []
    wanted = {s.starts_at: s for s in planned if s.starts_at > now and not _overlaps(s, held)}
    existing = Slot.objects.filter(role=role, starts_at__gt=now).annotate(
        held=Exists(Appointment.objects.filter(slot=OuterRef("pk"), status__in=LIVE)),
        named=Exists(Appointment.objects.filter(slot=OuterRef("pk"))),
    )
    changed: list[Slot] = []
    deleted: list[int] = []
    closed: list[int] = []
    for slot in existing:
        spec = wanted.pop(slot.starts_at, None)
        if slot.held:
            continue
        if spec is not None:
            if (slot.ends_at, slot.visit_type_id, slot.is_open) != (spec.ends_at, spec.visit_type_id, True):
                slot.ends_at, slot.visit_type_id, slot.is_open = spec.ends_at, spec.visit_type_id, True
                changed.append(slot)
        elif slot.named:
            if slot.is_open:
                closed.append(slot.pk)
        else:
            deleted.append(slot.pk)
    Slot.objects.bulk_update(changed, ["ends_at", "visit_type", "is_open"], batch_size=500)
    Slot.objects.filter(pk__in=closed).update(is_open=False)
    Slot.objects.filter(pk__in=deleted).delete()
    Slot.objects.bulk_create(
        [
            Slot(role=role, visit_type_id=s.visit_type_id, starts_at=s.starts_at, ends_at=s.ends_at)
            for s in wanted.values()
        ],
        batch_size=2000,
    )
    refresh_next_open(role_ids=[role.pk])
    return Regenerated(opened=len(wanted) + len(changed), closed=len(closed) + len(deleted))
