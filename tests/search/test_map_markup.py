"""DIR-2: results and profiles carry a map (Leaflet, tiles from the operator's setting) whose markers
are data, served from the site itself, with the page's own list still the content."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.test import Client

from indigomed.directory.models import PractitionerRole


def markers(html: str) -> list[dict]:
    found = re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page carries its markers as data"
    return json.loads(found.group(1))


def test_each_result_has_a_numbered_marker_linking_to_it(world) -> None:
    html = Client().get("/search/", {"text": "cardiology"}).content.decode()
    found = {m["title"]: m for m in markers(html)}
    assert set(found) == {"Hudson Clinic", "Cabinet Voltaire"}
    assert {m["label"] for m in found.values()} == {"1", "2"}
    paris = found["Cabinet Voltaire"]
    assert (paris["lat"], paris["lng"]) == (48.859, 2.38)
    assert [line["href"] for line in paris["lines"]] == [
        "/practitioners/claire-coeur/",
        "/facilities/cabinet-voltaire/",
    ]
    assert paris["lines"][0]["text"] == "Dr Claire Cœur"


def test_results_at_one_place_share_a_marker_that_lists_them(world) -> None:
    """Ada Hart and Ben Skinner both work at the Hudson Clinic: one marker, numbered 1, 2."""
    html = Client().get("/search/", {"postal_code": "10016"}).content.decode()
    (hudson,) = markers(html)
    assert hudson["label"] == "1, 2"
    assert {line["text"] for line in hudson["lines"]} == {"Dr. Ada Hart", "Dr. Ben Skinner", "Hudson Clinic"}


def test_no_results_draw_no_map(world) -> None:
    html = Client().get("/search/", {"text": "zyxwv"}).content.decode()
    assert "map-markers" not in html and "leaflet" not in html


def test_profiles_show_a_map_instead_of_coordinates(world) -> None:
    """The practitioner's places and the facility itself, each a marker; no "Map: 40.78, -73.97" text."""
    second = world.paris_clinic
    PractitionerRole.objects.create(practitioner=world.heart_doctor, facility=second)
    html = Client().get("/practitioners/ada-hart/").content.decode()
    assert "Map:" not in html
    assert {m["title"] for m in markers(html)} == {"Hudson Clinic", "Cabinet Voltaire"}
    html = Client().get("/facilities/hudson-clinic/").content.decode()
    assert "Map:" not in html
    (hudson,) = markers(html)
    assert (hudson["lat"], hudson["lng"], hudson["detail"]) == (40.7459, -73.9781, "1 Example Avenue, New York")
    # Without JavaScript the place is still one link away on a public map.
    assert "https://www.openstreetmap.org/?mlat=40.74590&amp;mlon=-73.97810" in html


def test_the_tile_server_is_a_setting(world, settings) -> None:
    settings.INDIGOMED = {
        **settings.INDIGOMED,
        "MAP_TILE_URL": "https://tiles.example.test/{z}/{x}/{y}.png",
        "MAP_TILE_ATTRIBUTION": "Example tiles",
        "MAP_PLACE_URL": "",
    }
    html = unescape(Client().get("/facilities/hudson-clinic/").content.decode())
    assert 'data-tiles="https://tiles.example.test/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="Example tiles"' in html
    assert "openstreetmap" not in html.lower(), "no other map service is named once the operator chose one"


def test_openstreetmap_is_the_default_with_its_attribution(world) -> None:
    html = unescape(Client().get("/facilities/hudson-clinic/").content.decode())
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "OpenStreetMap</a> contributors" in html


@pytest.mark.parametrize("path", ["/search/?text=cardiology", "/practitioners/ada-hart/", "/facilities/hudson-clinic/"])
def test_pages_with_maps_run_no_inline_script_and_load_nothing_from_elsewhere(world, path: str) -> None:
    """Scripts are files of the site (a Content-Security-Policy can forbid inline code); markers are data."""
    html = Client().get(path).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, body in scripts:
        assert 'type="application/json"' in attributes or (not body.strip() and 'src="/static/' in attributes)
    for url in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html):
        assert url.startswith("/static/"), url
        assert Client().get(url).status_code == 200, url


def test_names_in_markers_cannot_become_markup(world) -> None:
    """A name with markup is data in the JSON block, never HTML (the script writes it as text)."""
    world.paris_clinic.name = "</script><script>alert(1)</script>"
    world.paris_clinic.save()
    html = Client().get("/search/", {"text": "cardiology"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "</script><script>alert(1)</script>" in {m["title"] for m in markers(html)}


def test_leaflet_is_shipped_with_its_licence() -> None:
    for path in ["leaflet.js", "leaflet.css", "LICENSE", "images/layers.png"]:
        response = Client().get(f"/static/vendor/leaflet/{path}")
        assert response.status_code == 200, path
    licence = b"".join(Client().get("/static/vendor/leaflet/LICENSE").streaming_content)
    assert b"BSD 2-Clause" in licence or b"Redistribution and use in source and binary forms" in licence
