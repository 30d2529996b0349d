"""``{% load maps %}``: the markers and settings ``directory/_map.html`` draws a map from.

A page passes what it shows (a facility, a practitioner's locations, a page of search results);
the markers are plain data (``json_script``) for ``static/indigomed/map.js``, so no script is
written into the page. Results at the same place share one marker that lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse

from indigomed.conf import product_setting

register = template.Library()


def _place(name: str, slug: str) -> dict[str, str]:
    return {"text": name, "href": reverse("facility", args=[slug])}


def _items(places: Any) -> list[Any]:
    if places is None or places == "":
        return []
    if isinstance(places, dict | str) or not isinstance(places, Iterable):
        return [places]
    return list(places)


@register.simple_tag
def map_markers(places: Any) -> list[dict[str, Any]]:
    """Markers for a facility, a practitioner's locations (``{"facility": …}``) or search results.

    Each marker: ``lat``, ``lng``, ``title``, ``label`` (the results' numbers in the list, or empty),
    ``lines`` (links: the practitioners there, then the place) and ``detail`` (where it is).
    """
    markers: dict[tuple[float, float], dict[str, Any]] = {}
    for number, item in enumerate(_items(places), start=1):
        if hasattr(item, "practitioner_slug"):  # a search result
            marker = markers.setdefault(
                (item.latitude, item.longitude),
                {
                    "lat": item.latitude,
                    "lng": item.longitude,
                    "title": item.facility_name,
                    "numbers": [],
                    "people": [],
                    "place": _place(item.facility_name, item.facility_slug),
                    "detail": item.city,
                },
            )
            marker["numbers"].append(str(number))
            href = reverse("practitioner", args=[item.practitioner_slug])
            marker["people"].append({"text": item.practitioner_name, "href": href})
        else:
            facility = item["facility"] if isinstance(item, dict) else item
            markers.setdefault(
                (facility.latitude, facility.longitude),
                {
                    "lat": facility.latitude,
                    "lng": facility.longitude,
                    "title": facility.name,
                    "numbers": [],
                    "people": [],
                    "place": _place(facility.name, facility.slug),
                    "detail": f"{facility.street}, {facility.city}",
                },
            )
    return [
        {
            "lat": m["lat"],
            "lng": m["lng"],
            "title": m["title"],
            "label": ", ".join(m["numbers"]),
            "lines": [*m["people"], m["place"]],
            "detail": m["detail"],
        }
        for m in markers.values()
    ]


@register.simple_tag
def map_settings() -> dict[str, Any]:
    """The operator's tile server and its attribution (settings ``MAP_*``)."""
    return {
        "tile_url": product_setting("MAP_TILE_URL"),
        "attribution": product_setting("MAP_TILE_ATTRIBUTION"),
        "max_zoom": product_setting("MAP_TILE_MAX_ZOOM"),
    }


@register.simple_tag
def place_link(marker: dict[str, Any]) -> str:
    """A link to the place on a public map, for people without JavaScript; empty when the operator sets none."""
    url = str(product_setting("MAP_PLACE_URL"))
    return url.format(lat=f"{marker['lat']:.5f}", lng=f"{marker['lng']:.5f}") if url else ""
