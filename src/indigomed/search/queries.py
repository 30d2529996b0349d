"""Finding care (DIR-2): who fits, how far, and when they can see you.

Search sits above the directory and the calendars: it filters practitioner roles by what the
directory knows and by open slots, so it lives apart from both.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, F, FloatField, Min, OuterRef, QuerySet, Subquery
from django.db.models.expressions import ExpressionWrapper
from django.utils import timezone

from indigomed.directory.geo import KM_PER_DEGREE, Place, Point, bounding_box, distance_km, locate_postal_code
from indigomed.directory.models import InsurancePlan, Language, PractitionerRole, Specialty, VisitReason
from indigomed.errors import Invalid
from indigomed.scheduling.models import Slot
from indigomed.scheduling.queries import OpenSlot, next_open_slots

Sort = Literal["soonest", "distance"]
MAX_RADIUS_KM = 500
MAX_WINDOW_DAYS = 92


@dataclass(frozen=True)
class Criteria:
    """What a person asked for. Every field is optional; validation happens in ``search``."""

    what: str | None = None  # a specialty or visit-reason slug
    plan: str | None = None
    postal_code: str | None = None
    country: str = "US"
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    language: str | None = None
    gender: str | None = None
    available_from: dt.date | None = None
    available_to: dt.date | None = None
    sort: Sort = "soonest"
    page: int = 1


@dataclass(frozen=True)
class Result:
    role_id: int
    practitioner_slug: str
    practitioner_name: str
    gender: str
    specialties: list[str]
    languages: list[str]
    facility_slug: str
    facility_name: str
    city: str
    region: str
    country: str
    latitude: float
    longitude: float
    timezone: str
    distance_km: float | None
    next_slots: list[OpenSlot]


@dataclass(frozen=True)
class Page:
    results: list[Result]
    page: int
    page_size: int
    has_next: bool
    near: str | None = None
    specialty: str | None = None
    notes: list[str] = field(default_factory=list)


def _specialty_for(what: str) -> Specialty:
    specialty = Specialty.objects.filter(slug=what).first()
    if specialty:
        return specialty
    reason = VisitReason.objects.select_related("specialty").filter(slug=what).first()
    if reason:
        return reason.specialty
    raise Invalid("We do not know that specialty or visit reason. Pick one from the list.")


def _center(criteria: Criteria) -> Place | None:
    if criteria.postal_code:
        return locate_postal_code(criteria.postal_code, criteria.country)
    if criteria.latitude is not None or criteria.longitude is not None:
        if criteria.latitude is None or criteria.longitude is None:
            raise Invalid("Give both a latitude and a longitude.")
        if not (-90 <= criteria.latitude <= 90 and -180 <= criteria.longitude <= 180):
            raise Invalid("Latitude must be within ±90 and longitude within ±180.")
        return Place(Point(criteria.latitude, criteria.longitude), "the chosen point")
    return None


def search(criteria: Criteria) -> Page:
    """One page of practitioner roles matching the criteria, each with its next open slots.

    Raises ``Invalid`` (with a message for a person) for unknown filters or inconsistent input.
    """
    page_size = int(settings.INDIGOMED["SEARCH_PAGE_SIZE"])
    if criteria.page < 1 or criteria.page > 1000:
        raise Invalid("Pages are numbered from 1 to 1000.")
    roles: QuerySet[PractitionerRole] = PractitionerRole.objects.filter(is_active=True)
    specialty_name = None
    if criteria.what:
        specialty = _specialty_for(criteria.what)
        specialty_name = specialty.name
        roles = roles.filter(practitioner__specialties=specialty)
    if criteria.plan:
        plan_id = InsurancePlan.objects.filter(slug=criteria.plan).values_list("pk", flat=True).first()
        if plan_id is None:
            raise Invalid("We do not know that insurance plan.")
        roles = roles.filter(practitioner__plans=plan_id)
    if criteria.language:
        language_id = Language.objects.filter(code=criteria.language).values_list("pk", flat=True).first()
        if language_id is None:
            raise Invalid("We do not know that language.")
        roles = roles.filter(practitioner__languages=language_id)
    if criteria.gender:
        if criteria.gender not in {"female", "male", "nonbinary"}:
            raise Invalid("Gender must be female, male or nonbinary.")
        roles = roles.filter(practitioner__gender=criteria.gender)

    place = _center(criteria)
    if place is not None:
        radius = criteria.radius_km or float(settings.INDIGOMED["SEARCH_DEFAULT_RADIUS_KM"])
        if not 0 < radius <= MAX_RADIUS_KM:
            raise Invalid(f"The distance must be between 1 and {MAX_RADIUS_KM} km.")
        min_lat, max_lat, min_lng, max_lng = bounding_box(place.point, radius)
        # An equirectangular distance is exact enough at these radii and needs no trigonometry
        # in SQL, so it runs the same on SQLite and PostgreSQL.
        scale = math.cos(math.radians(place.point.latitude))
        roles = (
            roles.filter(facility__latitude__range=(min_lat, max_lat), facility__longitude__range=(min_lng, max_lng))
            .annotate(
                d2=ExpressionWrapper(
                    (F("facility__latitude") - place.point.latitude) * (F("facility__latitude") - place.point.latitude)
                    + (F("facility__longitude") - place.point.longitude)
                    * (F("facility__longitude") - place.point.longitude)
                    * (scale * scale),
                    output_field=FloatField(),
                )
            )
            .filter(d2__lte=(radius / KM_PER_DEGREE) ** 2)
        )
    elif criteria.sort == "distance":
        raise Invalid("To sort by distance, give a postal code or a point.")

    window_start, window_end = _window(criteria, place)
    if window_start is not None:
        open_in_window = Slot.objects.filter(
            role_id=OuterRef("pk"), is_open=True, starts_at__gte=window_start, starts_at__lt=window_end
        )
        roles = roles.filter(Exists(open_in_window))
        if criteria.sort == "soonest":
            first = open_in_window.order_by().values("role_id").annotate(first=Min("starts_at")).values("first")
            roles = roles.annotate(first_open=Subquery(first)).order_by("first_open", "pk")
    elif criteria.sort == "soonest":
        roles = roles.order_by(F("next_open_at").asc(nulls_last=True), "pk")
    if criteria.sort == "distance":
        roles = roles.order_by("d2", "pk")  # type: ignore[misc]  # an annotation the plugin cannot see

    offset = (criteria.page - 1) * page_size
    ids = list(roles.values_list("pk", flat=True)[offset : offset + page_size + 1])
    has_next = len(ids) > page_size
    ids = ids[:page_size]
    return Page(
        results=_results(ids, place, window_start, window_end),
        page=criteria.page,
        page_size=page_size,
        has_next=has_next,
        near=place.label if place else None,
        specialty=specialty_name,
    )


def _window(criteria: Criteria, place: Place | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The availability window as UTC instants; dates are read in the searched area's zone."""
    if criteria.available_from is None and criteria.available_to is None:
        return None, None
    zone = ZoneInfo(place.timezone) if place and place.timezone else dt.UTC
    today = timezone.now().astimezone(zone).date()
    first = criteria.available_from or today
    last = criteria.available_to or first + dt.timedelta(days=14)
    if last < first:
        raise Invalid("The end of the availability window comes before its start.")
    if (last - first).days > MAX_WINDOW_DAYS:
        raise Invalid(f"Search availability over at most {MAX_WINDOW_DAYS} days.")
    start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    return max(start, timezone.now()), end


def _results(
    ids: list[int], place: Place | None, window_start: dt.datetime | None, window_end: dt.datetime | None
) -> list[Result]:
    if not ids:
        return []
    roles = {
        r.pk: r
        for r in PractitionerRole.objects.filter(pk__in=ids)
        .select_related("practitioner", "facility")
        .prefetch_related("practitioner__specialties", "practitioner__languages")
    }
    slots = next_open_slots(ids, after=window_start, before=window_end)
    results = []
    for role_id in ids:
        role = roles[role_id]
        p, f = role.practitioner, role.facility
        results.append(
            Result(
                role_id=role_id,
                practitioner_slug=p.slug,
                practitioner_name=p.display_name,
                gender=p.gender,
                specialties=[s.name for s in p.specialties.all()],
                languages=[lang.name for lang in p.languages.all()],
                facility_slug=f.slug,
                facility_name=f.name,
                city=f.city,
                region=f.region,
                country=f.country,
                latitude=f.latitude,
                longitude=f.longitude,
                timezone=f.timezone,
                distance_km=round(distance_km(place.point, Point(f.latitude, f.longitude)), 1) if place else None,
                next_slots=slots.get(role_id, []),
            )
        )
    return results
