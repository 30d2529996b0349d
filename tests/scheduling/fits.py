"""A calendar with first visits for new patients and follow-ups for returning ones (BOOK-3's fit)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from indigomed.directory.models import PractitionerRole, VisitReason
from indigomed.scheduling.models import Appointment, AvailabilityRule, Slot, VisitType
from indigomed.scheduling.opening_hours import generate_upcoming_slots

SLOT_LINK = re.compile(r'href="/book/(\d+)/"')


@dataclass
class Visits:
    role: PractitionerRole
    first: VisitType
    follow_up: VisitType
    palpitations: VisitReason
    ecg_review: VisitReason

    def slots(self, visit: VisitType, *, after_hours: int = 72) -> list[Slot]:
        """Open slots of one visit type, comfortably past any cut-off, soonest first."""
        later = timezone.now() + dt.timedelta(hours=after_hours)
        return list(Slot.objects.filter(visit_type=visit, is_open=True, starts_at__gt=later).order_by("starts_at"))

    def ids(self, visit: VisitType) -> set[int]:
        return set(Slot.objects.filter(visit_type=visit).values_list("pk", flat=True))


def first_visits_and_follow_ups(world) -> Visits:
    """Dr. Ada Hart's calendar remade: first visits (new patients, for chest pain or palpitations)
    every morning, follow-ups (returning patients, any reason) every afternoon. ECG review is a
    reason she sees that only follows a first visit."""
    role = world.heart_role
    Slot.objects.filter(role=role).delete()
    role.availability_rules.all().delete()
    role.visit_types.update(is_active=False)
    palpitations = VisitReason.objects.create(slug="palpitations", name="Palpitations", specialty=world.cardiology)
    ecg_review = VisitReason.objects.create(slug="ecg-review", name="ECG review", specialty=world.cardiology)
    first = VisitType.objects.create(role=role, name="New patient visit", duration_minutes=40, patients="new")
    first.reasons.set([world.chest_pain, palpitations])
    follow_up = VisitType.objects.create(role=role, name="Follow-up", duration_minutes=20, patients="returning")
    AvailabilityRule.objects.bulk_create(
        [
            *(
                AvailabilityRule(role=role, visit_type=first, weekday=d, start_time=dt.time(9), end_time=dt.time(11))
                for d in range(7)
            ),
            *(
                AvailabilityRule(
                    role=role, visit_type=follow_up, weekday=d, start_time=dt.time(13), end_time=dt.time(15)
                )
                for d in range(7)
            ),
        ]
    )
    generate_upcoming_slots(role=role)
    return Visits(role=role, first=first, follow_up=follow_up, palpitations=palpitations, ecg_review=ecg_review)


def completed_visit(member, role: PractitionerRole) -> Appointment:
    """A visit a month ago with the role's practitioner, completed: the member is now returning to them."""
    start = timezone.now() - dt.timedelta(days=30)
    visit_type = role.visit_types.order_by("pk").first()
    slot = Slot.objects.create(
        role=role, visit_type=visit_type, starts_at=start, ends_at=start + dt.timedelta(minutes=30), is_open=False
    )
    return Appointment.objects.create(
        member=member,
        slot=slot,
        role=role,
        visit_type=visit_type,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=Appointment.Status.COMPLETED,
    )


def offered(html: str) -> set[int]:
    """The slot ids a page links to for booking."""
    return {int(found) for found in SLOT_LINK.findall(html)}
