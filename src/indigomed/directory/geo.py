"""Where a postal code is, and in which country.

US ZIP codes come from the ``zipcodes`` package; French postal codes from ``data/fr_postal_codes.csv``
(every code La Poste lists, with a point; see the file's header and ``docs/search.md``). Both
countries use five digits, and about 2,700 codes exist in both: "75011" is Paris 11e and a post-office
box ZIP in Carrollton, Texas. ``resolve_postal_code`` decides which one a person means, or asks.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import zipcodes
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indigomed.errors import Invalid

KM_PER_DEGREE = 111.32
# Names in the reader's language; the codes are what is stored and sent.
COUNTRIES = {"US": gettext_lazy("United States"), "FR": gettext_lazy("France")}
_IN = {"US": gettext_lazy("in the United States"), "FR": gettext_lazy("in France")}
FRENCH_ZONE = "Europe/Paris"

_FIVE_DIGITS = re.compile(r"\d{5}", re.ASCII)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Place:
    point: Point
    label: str
    timezone: str | None = None
    country: str = ""
    approximate: bool = False

    @property
    def full_label(self) -> str:
        """ "Paris 11e, France": the label with its country, as a question offers it."""
        # The country's name in the page's language (the search form's choices give the catalogue both).
        return f"{self.label}, {COUNTRIES.get(self.country, self.country)}"


class PlaceQuestion(Invalid):
    """A code that does not say by itself which place is meant: the refusal offers each place."""

    code = "which_place"

    def __init__(self, message: str, postal_code: str, places: list[Place]) -> None:
        super().__init__(
            message,
            field="postal_code",
            choices=[
                {"country": place.country, "country_name": str(COUNTRIES[place.country]), "place": place.label}
                for place in places
            ],
        )
        self.postal_code = postal_code
        self.places = places


@cache
def _us_boxes() -> frozenset[str]:
    """ZIP codes of post-office boxes, single companies and military posts (nobody lives there), or retired."""
    return frozenset(z["zip_code"] for z in zipcodes.list_all() if z["zip_code_type"] != "STANDARD" or not z["active"])


@cache
def _us_codes() -> dict[str, Place]:
    return {
        z["zip_code"]: Place(
            Point(float(z["lat"]), float(z["long"])), f"{z['city']}, {z['state']}", z.get("timezone") or None, "US"
        )
        for z in zipcodes.list_all()
        if z["lat"] and z["long"]
    }


@cache
def _french_codes() -> dict[str, Place]:
    text = resources.files("indigomed.directory").joinpath("data/fr_postal_codes.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {
        row["code"]: Place(
            Point(float(row["latitude"]), float(row["longitude"])),
            row["place"],
            FRENCH_ZONE,
            "FR",
            approximate=row["precision"] == "approximate",
        )
        for row in csv.DictReader(lines)
    }


def _tables() -> dict[str, dict[str, Place]]:
    return {"US": _us_codes(), "FR": _french_codes()}


def normalize_postal_code(code: str) -> str:
    """The code as stored: full-width digits read as digits, spaces (also non-breaking ones) removed.
    Raises ``Invalid`` unless five digits."""
    compact = _SPACES.sub("", unicodedata.normalize("NFKC", code[:40]))
    if not _FIVE_DIGITS.fullmatch(compact):
        shown = "".join(c for c in compact[:12] if c.isprintable())
        raise Invalid(
            _("%(code)s is not a ZIP or postal code: use five digits.") % {"code": repr(shown)}, field="postal_code"
        )
    return compact


def places_for_code(code: str) -> list[Place]:
    """Every country's place for a five-digit code, the United States first; empty if unknown anywhere."""
    code = normalize_postal_code(code)
    return [table[code] for table in _tables().values() if code in table]


def locate_postal_code(code: str, country: str) -> Place:
    """The point a postal code stands for in one country. Raises ``Invalid`` for a malformed or unknown code."""
    country = country.upper()
    if country not in COUNTRIES:
        raise Invalid(_("Postal code search covers the United States (US) and France (FR)."), field="country")
    code = normalize_postal_code(code)
    place = _tables()[country].get(code)
    if place is None:
        unknown = (
            _("We do not know that ZIP code in the United States.")
            if country == "US"
            else _("We do not know that postal code in France.")
        )
        raise Invalid(unknown, field="postal_code")
    return place


def resolve_postal_code(code: str, country: str | None, *, hint: str | None = None) -> Place:
    """The place a person means by a code: in ``country`` when they chose one; otherwise wherever the
    code exists, ``hint`` (the country their browser's language points to) settling a code that exists
    in both. Raises ``PlaceQuestion`` when nothing settles it (or the code exists only in the other country),
    ``Invalid`` for an unknown code.
    """
    if country and country.upper() not in COUNTRIES:
        return locate_postal_code(code, country)  # refuses the country
    places = places_for_code(code)
    code = normalize_postal_code(code)
    if country:
        country = country.upper()
        elsewhere = [place for place in places if place.country != country]
        if elsewhere and len(elsewhere) == len(places):
            raise PlaceQuestion(
                _("We do not know %(code)s %(country)s. Did you mean %(place)s?")
                % {"code": code, "country": _IN[country], "place": elsewhere[0].full_label},
                code,
                elsewhere,
            )
        return locate_postal_code(code, country)
    if not places:
        raise Invalid(_("We do not know that ZIP or postal code in the United States or France."), field="postal_code")
    if len(places) == 1:
        return places[0]
    hinted = [place for place in places if place.country == hint]
    if hinted:
        return hinted[0]
    # A post-office box or single-company ZIP is the less likely meaning: offer France first then.
    ordered = sorted(places, key=lambda place: place.country == "US" and code in _us_boxes())
    names = _(" and ").join(str(_IN[place.country]) for place in ordered)
    options = _(", or ").join(place.full_label for place in ordered)
    question = _("%(code)s is a postal code %(countries)s. Did you mean %(places)s?")
    raise PlaceQuestion(question % {"code": code, "countries": names, "places": options}, code, ordered)


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
