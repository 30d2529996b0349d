"""Finding care (DIR-2): who fits, how far, and when they can see you.

Search sits above the directory and the calendars: it filters practitioner roles by what the
directory knows and by open slots, so it lives apart from both.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, F, FloatField, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import ExpressionWrapper
from django.utils import timezone

from indigomed.directory.geo import KM_PER_DEGREE, Place, Point, bounding_box, distance_km, locate_postal_code
from indigomed.directory import reference
from indigomed.directory.models import Practitioner, PractitionerRole
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


def _linked(through: type, **match: int) -> QuerySet[Any]:
    return through.objects.filter(practitioner_id=OuterRef("practitioner_id"), **match)  # type: ignore[attr-defined, no-any-return]


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
    # Each many-to-many filter is a semi-join on its link table: no join through the
    # practitioner row, no duplicate roles.
    if criteria.what:
        specialty = reference.specialty_for(criteria.what)
        if specialty is None:
            raise Invalid("We do not know that specialty or visit reason. Pick one from the list.")
        specialty_id, specialty_name = specialty
        roles = roles.filter(Exists(_linked(Practitioner.specialties.through, specialty_id=specialty_id)))
    if criteria.plan:
        plan = reference.plan_id(criteria.plan)
        if plan is None:
            raise Invalid("We do not know that insurance plan.")
        roles = roles.filter(Exists(_linked(Practitioner.plans.through, insuranceplan_id=plan)))
    if criteria.language:
        language = reference.language_id(criteria.language)
        if language is None:
            raise Invalid("We do not know that language.")
        roles = roles.filter(Exists(_linked(Practitioner.languages.through, language_id=language)))
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
    """What each result shows, in three queries whatever the page size."""
    if not ids:
        return []
    rows = {
        row["pk"]: row
        for row in PractitionerRole.objects.filter(pk__in=ids).values(
            "pk", "practitioner_id", "practitioner__slug", "practitioner__title", "practitioner__given_name",
            "practitioner__family_name", "practitioner__gender", "facility__slug", "facility__name", "facility__city",
            "facility__region", "facility__country", "facility__latitude", "facility__longitude", "facility__timezone",
        )
    }
    practitioner_ids = [row["practitioner_id"] for row in rows.values()]
    specialties: dict[int, list[str]] = {p: [] for p in practitioner_ids}
    languages: dict[int, list[str]] = {p: [] for p in practitioner_ids}
    tags = (
        Practitioner.specialties.through.objects.filter(practitioner_id__in=practitioner_ids)
        .annotate(kind=Value("s"))
        .values_list("practitioner_id", "kind", "specialty__name")
        .union(
            Practitioner.languages.through.objects.filter(practitioner_id__in=practitioner_ids)
            .annotate(kind=Value("l"))
            .values_list("practitioner_id", "kind", "language__name"),
            all=True,
        )
    )
    for practitioner_id, kind, name in tags:
        (specialties if kind == "s" else languages)[practitioner_id].append(name)
    slots = next_open_slots(ids, after=window_start, before=window_end)
    results = []
    for role_id in ids:
        row = rows[role_id]
        point = Point(row["facility__latitude"], row["facility__longitude"])
        results.append(
            Result(
                role_id=role_id,
                practitioner_slug=row["practitioner__slug"],
                practitioner_name=f"{row['practitioner__title']} {row['practitioner__given_name']} "
                f"{row['practitioner__family_name']}".strip(),
                gender=row["practitioner__gender"],
                specialties=sorted(specialties[row["practitioner_id"]]),
                languages=sorted(languages[row["practitioner_id"]]),
                facility_slug=row["facility__slug"],
                facility_name=row["facility__name"],
                city=row["facility__city"],
                region=row["facility__region"],
                country=row["facility__country"],
                latitude=point.latitude,
                longitude=point.longitude,
                timezone=row["facility__timezone"],
                distance_km=round(distance_km(place.point, point), 1) if place else None,
                next_slots=slots.get(role_id, []),
            )
        )
    return results
