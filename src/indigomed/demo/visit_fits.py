"""The demo's visit types say which patients and reasons they fit (BOOK-3): a new patient is
offered first visits, a returning one follow-ups, and reasons that only follow a first visit
(``catalogue.FOLLOW_UP_ONLY_REASONS``) are never offered a first visit.

Run once the demo's people have booked (they book as new patients, first visits), so that it sees
every reason each practitioner ends up seeing."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from indigomed.demo import catalogue as c
from indigomed.directory.models import VisitReason
from indigomed.scheduling.models import VisitType


@transaction.atomic
def fit_visit_types() -> None:
    """Set each demo visit type's patients, and list the reasons of a first visit where the
    practitioner sees a reason that only a returning patient comes for."""
    for name, patients in c.VISIT_TYPE_PATIENTS.items():
        VisitType.objects.filter(name=name).update(patients=patients)
    follow_up_only = {slugify(name) for name in c.FOLLOW_UP_ONLY_REASONS}
    through = VisitType.reasons.through
    links = []
    first_visits = VisitType.objects.filter(
        patients=VisitType.Patients.NEW, role__practitioner__specialties__visit_reasons__slug__in=follow_up_only
    ).distinct()
    for visit in first_visits.select_related("role__practitioner"):
        seen = VisitReason.objects.filter(specialty__practitioners=visit.role.practitioner).exclude(
            slug__in=follow_up_only
        )
        links += [through(visittype_id=visit.pk, visitreason_id=pk) for pk in seen.values_list("pk", flat=True)]
    through.objects.bulk_create(links, ignore_conflicts=True)
