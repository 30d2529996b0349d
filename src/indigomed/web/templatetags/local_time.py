"""Times and distances written for the person reading the page (the rule is in ``web.conventions``).

``where`` is the place a time happens or a distance is measured at: a facility, a search result, or
a zone's name. In a template::

    {% load local_time %}
    {% local_time slot.starts_at facility %}          9:00 AM EST · 09:00, heure de Paris
    {% local_when slot.starts_at facility %}          Mon, Mar 9, 9:00 AM EDT · lundi 9 mars, 09:00, heure de Paris
    {% local_day slot.starts_at facility %}           Monday, March 9 · lundi 9 mars
    {% zone_label slot.starts_at facility as zone %}  EST · heure de Paris
    {% clock slot.starts_at facility zone %}          9:00 AM (with its zone if not ``zone``)
    {% distance result.distance_km result %}          3.1 mi · 5 km
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from indigomed.web import conventions

register = template.Library()


def _reader(context: template.Context) -> conventions.Reader:
    return conventions.reader_of(getattr(context, "request", None))


@register.simple_tag(takes_context=True)
def local_time(context: template.Context, when: dt.datetime | None, where: Any) -> str:
    """The time with its zone: "9:00 AM EST", "09:00 Paris time", "09:00, heure de Paris"."""
    if when is None:
        return ""
    return conventions.local_time(when, conventions.place_of(where), _reader(context))


@register.simple_tag(takes_context=True)
def local_when(context: template.Context, when: dt.datetime | None, where: Any, style: str = "short") -> str:
    """Day and time with its zone: "Mon, Mar 9, 9:00 AM EDT", "lundi 9 mars, 09:00, heure de Paris"."""
    if when is None:
        return ""
    place, reader = conventions.place_of(where), _reader(context)
    return conventions.local_when(when, place, reader, style)


@register.simple_tag(takes_context=True)
def local_day(
    context: template.Context, when: dt.datetime | dt.date | None, where: Any = None, style: str = "long"
) -> str:
    """The day at the place: "Monday, March 9", "Monday 9 March", "lundi 9 mars"; ``style`` "short"
    or "year" ("March 9, 2026"). A date without a place is written as it is."""
    if when is None:
        return ""
    place = conventions.place_of(where) if where is not None else None
    return conventions.local_day(when, place, _reader(context), style)


@register.simple_tag(takes_context=True)
def zone_label(context: template.Context, when: dt.datetime | None, where: Any) -> str:
    """The zone at that instant as people say it: "EST", "EDT", "Paris time", "heure de Paris"."""
    if when is None:
        return ""
    return conventions.zone_label(when, conventions.place_of(where), _reader(context))


@register.simple_tag(takes_context=True)
def clock(context: template.Context, when: dt.datetime | None, where: Any, heading_zone: str = "") -> str:
    """The time of day alone ("9:00 AM", "09:00"), for a list under a heading that names the zone
    (``heading_zone``): a time whose zone differs from it (the night clocks change) carries its own."""
    if when is None:
        return ""
    place, reader = conventions.place_of(where), _reader(context)
    if heading_zone and conventions.zone_label(when, place, reader) != heading_zone:
        return conventions.local_time(when, place, reader)
    return conventions.clock(when, place, reader)


@register.simple_tag(takes_context=True)
def distance(context: template.Context, km: float | None, where: Any = None) -> str:
    """A distance known in km, in the reader's unit: "3.1 mi", "5.2 km"."""
    if km is None:
        return ""
    place = conventions.place_of(where) if where is not None else None
    return conventions.distance(float(km), place, _reader(context))
