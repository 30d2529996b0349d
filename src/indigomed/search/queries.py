"""Finding care (DIR-2): who fits, how far, and when they can see you.

Search sits above the directory and the calendars: it filters practitioner roles by what the
directory knows and by open slots, so it lives apart from both.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed import rawsql
from indigomed.conf import product_setting
from indigomed.directory import reference
from indigomed.directory.french import local
from indigomed.directory.geo import KM_PER_DEGREE, Place, Point, bounding_box, distance_km, resolve_postal_code
from indigomed.errors import Invalid
from indigomed.scheduling.queries import OpenSlot, next_open_slots
from indigomed.search.free_text import Word, check_text, text_conditions, understand

Sort = Literal["soonest", "distance"]
MAX_RADIUS_KM = 500
MAX_WINDOW_DAYS = 92


@dataclass(frozen=True)
class Criteria:
    """What a person asked for. Every field is optional; validation happens in ``search``."""

    what: str | None = None  # a specialty or visit-reason slug
    text: str | None = None  # free text: a name, a specialty or reason in words, a postal code
    plan: str | None = None
    postal_code: str | None = None
    country: str | None = None  # None: the country the postal code exists in, or ``country_hint``'s
    country_hint: str | None = None  # the country the searcher's language points to
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
    text: str | None = None
    country: str | None = None  # the country of the place searched near


_LINKED = "EXISTS (SELECT 1 FROM {table} l WHERE l.practitioner_id = r.practitioner_id AND l.{column} = %s)"


def _center(criteria: Criteria, postal_code: str | None) -> Place | None:
    if postal_code:
        return resolve_postal_code(postal_code, criteria.country, hint=criteria.country_hint)
    if criteria.latitude is not None or criteria.longitude is not None:
        if criteria.latitude is None or criteria.longitude is None:
            raise Invalid(_("Give both a latitude and a longitude."))
        if not (-90 <= criteria.latitude <= 90 and -180 <= criteria.longitude <= 180):
            raise Invalid(_("Latitude must be within ±90 and longitude within ±180."))
        return Place(Point(criteria.latitude, criteria.longitude), "the chosen point")
    return None


def search(criteria: Criteria) -> Page:
    """One page of practitioner roles matching the criteria, each with its next open slots.

    Raises ``Invalid`` (with a message for a person) for unknown filters or inconsistent input.
    """
    page_size = int(product_setting("SEARCH_PAGE_SIZE"))
    if criteria.page < 1 or criteria.page > 1000:
        raise Invalid(_("Pages are numbered from 1 to 1000."))
    where = ["r.is_active"]
    params: list[object] = []
    joins = ["JOIN directory_facility f ON f.id = r.facility_id"]
    specialty_name = None
    # Each many-to-many filter is a semi-join on its link table: no duplicate roles.
    if criteria.what:
        specialty = reference.specialty_for(criteria.what)
        if specialty is None:
            raise Invalid(_("We do not know that specialty or visit reason. Pick one from the list."))
        specialty_id, specialty_name = specialty
        where.append(_LINKED.format(table="directory_practitioner_specialties", column="specialty_id"))
        params.append(specialty_id)
    if criteria.plan:
        plan = reference.plan_id(criteria.plan)
        if plan is None:
            raise Invalid(_("We do not know that insurance plan."))
        where.append(_LINKED.format(table="directory_practitioner_plans", column="insuranceplan_id"))
        params.append(plan)
    if criteria.language:
        language = reference.language_id(criteria.language)
        if language is None:
            raise Invalid(_("We do not know that language."))
        where.append(_LINKED.format(table="directory_practitioner_languages", column="language_id"))
        params.append(language)
    if criteria.gender:
        if criteria.gender not in {"female", "male", "nonbinary"}:
            raise Invalid(_("Gender must be female, male or nonbinary."))
        joins.append("JOIN directory_practitioner p ON p.id = r.practitioner_id")
        where.append("p.gender = %s")
        params.append(criteria.gender)
    postal_code = criteria.postal_code
    words: tuple[Word, ...] = ()
    if criteria.text:
        check_text(criteria.text)
        understood = understand(criteria.text, postal_code_given=bool(postal_code))
        postal_code = postal_code or understood.postal_code
        words = understood.words

    place = _center(criteria, postal_code)
    distance = ""
    distance_params: list[object] = []
    if place is not None:
        radius = criteria.radius_km or float(product_setting("SEARCH_DEFAULT_RADIUS_KM"))
        if not 0 < radius <= MAX_RADIUS_KM:
            raise Invalid(_("The distance must be between 1 and %(most)d km.") % {"most": MAX_RADIUS_KM})
        min_lat, max_lat, min_lng, max_lng = bounding_box(place.point, radius)
        # An equirectangular distance is exact enough at these radii and needs no trigonometry
        # in SQL, so it runs the same on SQLite and PostgreSQL.
        scale = math.cos(math.radians(place.point.latitude)) ** 2
        lat, lng = place.point.latitude, place.point.longitude
        distance = "((f.latitude - %s) * (f.latitude - %s) + (f.longitude - %s) * (f.longitude - %s) * %s)"
        distance_params = [lat, lat, lng, lng, scale]
        where.append(f"f.latitude BETWEEN %s AND %s AND f.longitude BETWEEN %s AND %s AND {distance} <= %s")
        params += [min_lat, max_lat, min_lng, max_lng, *distance_params, (radius / KM_PER_DEGREE) ** 2]
    elif criteria.sort == "distance":
        raise Invalid(_("To sort by distance, give a postal code or a point."))

    window_start, window_end = _window(criteria, place)
    if words:
        conditions, condition_params = text_conditions(words, located=place is not None)
        where += conditions
        params += condition_params
    order_params: list[object] = []
    if window_start is not None and window_end is not None:
        open_in_window = (
            "FROM scheduling_slot s WHERE s.role_id = r.id AND s.is_open AND s.starts_at >= %s AND s.starts_at < %s"
        )
        where.append(f"EXISTS (SELECT 1 {open_in_window})")
        params += [rawsql.when(window_start), rawsql.when(window_end)]
        order = f"(SELECT MIN(s.starts_at) {open_in_window}), r.id"
        order_params = [rawsql.when(window_start), rawsql.when(window_end)]
    else:
        order = f"{rawsql.nulls_last('r.next_open_at')}, r.id"
    if criteria.sort == "distance":
        order, order_params = f"{distance}, r.id", distance_params

    offset = (criteria.page - 1) * page_size
    relations = 1 + len(joins) + sum(condition.count("EXISTS") for condition in where)
    ids = [
        row[0]
        for row in _planned_briefly(
            f"SELECT r.id FROM directory_practitionerrole r {' '.join(joins)} WHERE {' AND '.join(where)} "
            f"ORDER BY {order} LIMIT %s OFFSET %s",  # nosec B608 # joins, conditions and order from constant fragments, values as parameters
            [*params, *order_params, page_size + 1, offset],
            relations=relations,
        )
    ]
    has_next = len(ids) > page_size
    ids = ids[:page_size]
    return Page(
        results=_results(ids, place, window_start, window_end),
        page=criteria.page,
        page_size=page_size,
        has_next=has_next,
        near=place.label if place else None,
        specialty=specialty_name,
        text=criteria.text.strip() if criteria.text else None,
        country=place.country or None if place else None,
    )


# Beyond this many tables and semi-joins, PostgreSQL's planner weighs every order of them: a search
# with a text, a plan, a language and a place (seven) took 30 ms to plan and 1 ms to run.
# Considering them four at a time plans it in 3 ms, to the same plan on the searches measured.
_PLANNED_WHOLE = 4


def _planned_briefly(sql: str, params: Sequence[Any], *, relations: int) -> list[tuple[Any, ...]]:
    if connection.vendor != "postgresql" or relations <= _PLANNED_WHOLE:
        return rawsql.rows(sql, params)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL join_collapse_limit = {_PLANNED_WHOLE}")
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _window(criteria: Criteria, place: Place | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The availability window as UTC instants; dates are read in the searched area's zone."""
    if criteria.available_from is None and criteria.available_to is None:
        return None, None
    zone = ZoneInfo(place.timezone) if place and place.timezone else dt.UTC
    today = timezone.now().astimezone(zone).date()
    # A day of slack before today: the searcher's own date may lag the searched area's.
    earliest = today - dt.timedelta(days=1)
    latest = today + dt.timedelta(days=int(product_setting("SLOT_HORIZON_DAYS")))
    if (
        criteria.available_from is not None
        and criteria.available_to is not None
        and criteria.available_to < criteria.available_from
    ):
        raise Invalid(_("The end of the availability window comes before its start."), field="available_to")
    # Checked before any date arithmetic, which overflows at the ends of the calendar.
    for name, given in (("available_from", criteria.available_from), ("available_to", criteria.available_to)):
        if given is not None and not earliest <= given <= latest:
            raise Invalid(
                _("Open times are shown from %(first)s to %(last)s: choose dates in between.")
                % {"first": today.isoformat(), "last": latest.isoformat()},
                field=name,
            )
    first = criteria.available_from or today
    last = criteria.available_to or first + dt.timedelta(days=14)
    if last < first:
        raise Invalid(_("The end of the availability window comes before its start."), field="available_to")
    if (last - first).days > MAX_WINDOW_DAYS:
        raise Invalid(
            _("Search availability over at most %(days)d days.") % {"days": MAX_WINDOW_DAYS}, field="available_to"
        )
    start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    return max(start, timezone.now()), end


def _results(
    ids: list[int], place: Place | None, window_start: dt.datetime | None, window_end: dt.datetime | None
) -> list[Result]:
    """What each result shows, in three statements whatever the page size."""
    if not ids:
        return []
    is_shown, shown = rawsql.one_of("r.id", ids)
    rows = {
        row[0]: row
        for row in rawsql.rows(
            f"""
            SELECT r.id, p.id, p.slug, p.title, p.given_name, p.family_name, p.gender,
                   f.slug, f.name, f.city, f.region, f.country, f.latitude, f.longitude, f.timezone
            FROM directory_practitionerrole r
            JOIN directory_practitioner p ON p.id = r.practitioner_id
            JOIN directory_facility f ON f.id = r.facility_id
            WHERE {is_shown}
            """,  # nosec B608 # a constant condition, ids as parameters
            shown,
        )
    }
    practitioner_ids = sorted({row[1] for row in rows.values()})
    tags: dict[tuple[int, str], list[str]] = defaultdict(list)
    speaks, speakers = rawsql.one_of("pl.practitioner_id", practitioner_ids)
    practises, practitioners = rawsql.one_of("ps.practitioner_id", practitioner_ids)
    for practitioner_id, kind, name, name_fr in rawsql.rows(
        f"""
        SELECT ps.practitioner_id, 's', s.name, s.name_fr FROM directory_practitioner_specialties ps
        JOIN directory_specialty s ON s.id = ps.specialty_id WHERE {practises}
        UNION ALL
        SELECT pl.practitioner_id, 'l', l.name, l.name_fr FROM directory_practitioner_languages pl
        JOIN directory_language l ON l.id = pl.language_id WHERE {speaks}
        """,  # nosec B608 # constant conditions, ids as parameters
        [*practitioners, *speakers],
    ):
        tags[(practitioner_id, kind)].append(local(name, name_fr))
    slots = next_open_slots(ids, after=window_start, before=window_end)
    results = []
    for role_id in ids:
        (
            _,
            practitioner_id,
            p_slug,
            title,
            given,
            family,
            gender,
            f_slug,
            f_name,
            city,
            region,
            country,
            latitude,
            longitude,
            zone,
        ) = rows[role_id]
        point = Point(latitude, longitude)
        results.append(
            Result(
                role_id=role_id,
                practitioner_slug=p_slug,
                practitioner_name=f"{title} {given} {family}".strip(),
                gender=gender,
                specialties=sorted(tags[(practitioner_id, "s")]),
                languages=sorted(tags[(practitioner_id, "l")]),
                facility_slug=f_slug,
                facility_name=f_name,
                city=city,
                region=region,
                country=country,
                latitude=latitude,
                longitude=longitude,
                timezone=zone,
                distance_km=round(distance_km(place.point, point), 1) if place else None,
                next_slots=slots.get(role_id, []),
            )
        )
    return results
