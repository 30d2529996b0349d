"""Where a postal code is: US ZIP codes from the ``zipcodes`` package, French codes from a shipped table."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import zipcodes

from indigomed.errors import Invalid

KM_PER_DEGREE = 111.32

_FORMATS = {"US": re.compile(r"^\d{5}$"), "FR": re.compile(r"^\d{5}$")}


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Place:
    point: Point
    label: str
    timezone: str | None = None


@cache
def _french_areas() -> dict[str, tuple[str, float, float]]:
    text = resources.files("indigomed.directory").joinpath("data/fr_postal_areas.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {
        row["prefix"]: (row["place"], float(row["latitude"]), float(row["longitude"])) for row in csv.DictReader(lines)
    }


@lru_cache(maxsize=4096)
def locate_postal_code(code: str, country: str) -> Place:
    """The point a postal code stands for. Raises ``Invalid`` for a malformed code, ``NotFound`` for an unknown one."""
    country = country.upper()
    code = code.strip().replace(" ", "")
    pattern = _FORMATS.get(country)
    if pattern is None:
        raise Invalid("Postal code search covers the United States (US) and France (FR).")
    if not pattern.match(code):
        raise Invalid(f"{code[:12]!r} is not a {'ZIP' if country == 'US' else 'postal'} code: use five digits.")
    if country == "US":
        try:
            found = zipcodes.matching(code)
        except ValueError as exc:
            raise Invalid("Use a five-digit ZIP code.") from exc
        if not found:
            raise Invalid("We do not know that ZIP code.")
        z = found[0]
        return Place(Point(float(z["lat"]), float(z["long"])), f"{z['city']}, {z['state']}", z.get("timezone"))
    areas = _french_areas()
    for length in (5, 3, 2):
        hit = areas.get(code[:length])
        if hit:
            place, lat, lng = hit
            return Place(Point(lat, lng), place, "Europe/Paris")
    raise Invalid("We do not know that postal code.")


def bounding_box(center: Point, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) around a point: the index-friendly first cut."""
    dlat = radius_km / KM_PER_DEGREE
    dlng = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(center.latitude)), 0.01))
    return center.latitude - dlat, center.latitude + dlat, center.longitude - dlng, center.longitude + dlng


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlng = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))
