"""How IndigoMed writes times and distances for the person reading them, on pages and in messages.

The rule (issue 11, DIR-2's "every result shows its next open slots" as people read them):

- **A signed-in member** reads with the conventions of the country they live in (their profile):
  the United States writes a 12-hour clock and miles, France (and anywhere else) a 24-hour clock
  and kilometres. The language they chose for IndigoMed's messages (/me/contact/) gives the words.
- **Anyone else** (a visitor, practice staff, the privacy office) reads with the conventions of the
  country where the time or the distance is (the facility's), in the language their browser asks
  for first among those the site offers; where a page names no place, the language's country
  (French: France, otherwise the United States).
- **A time is always in the zone of the place where it happens**, labelled as people say it: a US
  zone by its abbreviation at that instant ("9:00 AM EST" in winter, "9:00 AM EDT" in summer),
  any other zone by its city ("09:00 Paris time"; in French "09:00, heure de Paris").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import dateformat, translation

KM_PER_MILE = 1.609344
LANGUAGES = ("en", "fr")
# Countries that write a 12-hour clock and miles; everywhere else IndigoMed serves uses 24 hours and km.
TWELVE_HOUR_MILES = frozenset({"US"})

# The zones IndigoMed's facilities use, and the country each belongs to (a zone names no country).
_COUNTRY_OF_ZONE = {
    **dict.fromkeys(
        (
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Phoenix",
            "America/Los_Angeles",
            "America/Anchorage",
            "America/Puerto_Rico",
            "Pacific/Honolulu",
        ),
        "US",
    ),
    "Europe/Paris": "FR",
}
# A zone's city as French writes it, where it differs from the zone's own name.
_FRENCH_CITY = {"America/Puerto_Rico": "Porto Rico"}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a time happens or a distance is measured from: its zone and its country, if known."""

    zone: ZoneInfo
    country: str | None


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads the page: their language, and the country whose conventions they read with
    (a member's own; ``None`` for anyone else, who reads with the place's)."""

    language: str = "en"
    country: str | None = None

    def country_for(self, place: Place | None) -> str:
        if self.country:
            return self.country
        if place is not None and place.country:
            return place.country
        return "FR" if self.language == "fr" else "US"

    def twelve_hour(self, place: Place | None) -> bool:
        return self.country_for(place) in TWELVE_HOUR_MILES

    def miles(self, place: Place | None) -> bool:
        return self.country_for(place) in TWELVE_HOUR_MILES


def place_of(where: Any) -> Place:
    """A facility or a search result (anything with ``timezone`` and ``country``), a zone's name,
    or a ``ZoneInfo``."""
    if isinstance(where, ZoneInfo):
        return Place(where, _COUNTRY_OF_ZONE.get(where.key))
    if isinstance(where, str):
        return Place(ZoneInfo(where), _COUNTRY_OF_ZONE.get(where))
    zone = str(where.timezone)
    return Place(ZoneInfo(zone), getattr(where, "country", None) or _COUNTRY_OF_ZONE.get(zone))


def _city(zone: ZoneInfo, language: str) -> str:
    if language == "fr" and zone.key in _FRENCH_CITY:
        return _FRENCH_CITY[zone.key]
    return zone.key.rpartition("/")[2].replace("_", " ")


def zone_label(when: dt.datetime, place: Place, reader: Reader) -> str:
    """The zone of ``when`` at ``place`` as people say it: "EST", "EDT", "Paris time", "heure de Paris"."""
    city = _city(place.zone, reader.language)
    if reader.language == "fr":
        # "heure d'Anchorage", "heure de Paris".
        return f"heure d'{city}" if city[:1].lower() in "aeiouyh" else f"heure de {city}"
    if _COUNTRY_OF_ZONE.get(place.zone.key) == "US":
        return when.astimezone(place.zone).tzname() or city
    return f"{city} time"


def clock(when: dt.datetime, place: Place, reader: Reader) -> str:
    """The time of day at ``place``, without its zone: "9:00 AM" or "09:00"."""
    local = when.astimezone(place.zone)
    if reader.twelve_hour(place):
        return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    return f"{local.hour:02d}:{local.minute:02d}"


def local_time(when: dt.datetime, place: Place, reader: Reader) -> str:
    """ "9:00 AM EST", "09:00 Paris time", "09:00, heure de Paris"."""
    separator = ", " if reader.language == "fr" else " "
    return f"{clock(when, place, reader)}{separator}{zone_label(when, place, reader)}"


def local_when(when: dt.datetime, place: Place, reader: Reader, style: str = "short") -> str:
    """Day and time with its zone: "Mon, Mar 9, 9:00 AM EDT", "mardi 3 mars, 09:00, heure de Paris"
    (French writes the day and month in full and in lowercase, and a 24-hour clock)."""
    joint = ", "
    return f"{local_day(when, place, reader, style)}{joint}{local_time(when, place, reader)}"


def _day_format(reader: Reader, place: Place | None, style: str) -> str:
    if reader.language == "fr":
        # In full even when short: "mar 3 mars" reads as two months.
        return {"long": "l j F", "short": "l j F", "year": "l j F Y"}[style]
    if reader.twelve_hour(place):
        return {"long": "l, F j", "short": "D, M j", "year": "F j, Y"}[style]
    return {"long": "l j F", "short": "D j M", "year": "j F Y"}[style]


def local_day(when: dt.datetime | dt.date, place: Place | None, reader: Reader, style: str = "long") -> str:
    """The day of ``when`` at ``place`` (a date stays as it is): "Monday, March 9", "mardi 3 mars";
    ``style`` "short" ("Mon, Mar 9") or "year" ("March 9, 2026")."""
    day = when.astimezone(place.zone).date() if isinstance(when, dt.datetime) and place else when
    with translation.override(reader.language):
        return dateformat.format(day, _day_format(reader, place, style))


def distance(km: float, place: Place | None, reader: Reader) -> str:
    """A distance given in km, in the reader's unit and numerals: "3.1 mi", "5.2 km", "5,2 km"."""
    amount, unit = (km / KM_PER_MILE, "mi") if reader.miles(place) else (km, "km")
    number = f"{amount:.1f}" if amount < 10 else f"{amount:.0f}"
    return f"{number.replace('.', ',') if reader.language == 'fr' else number} {unit}"
