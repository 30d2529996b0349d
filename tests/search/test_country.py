"""DIR-2: the country of a postal code is inferred. A code typed by a French-language browser that
exists in France means France; a code that exists in France and the United States, typed without a
clear country, asks which one; an unknown code is a plain message."""

from __future__ import annotations

import csv
import re
from html import unescape
from importlib import resources
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from indigomed.directory.geo import places_for_code
from indigomed.search.country import preferred_language

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.8"}
AMERICAN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def api(headers: dict[str, str] | None = None, **params: object) -> tuple[int, dict]:
    response = Client(**(headers or {})).get("/api/search", params)
    return response.status_code, response.json()


def page(headers: dict[str, str] | None = None, **params: object) -> tuple[int, str]:
    response = Client(**(headers or {})).get("/search/", params)
    return response.status_code, unescape(response.content.decode())


def test_75011_exists_in_both_countries() -> None:
    """The reason for all of this: Paris 11e is also a post-office-box ZIP in Carrollton, Texas."""
    assert [(p.country, p.label) for p in places_for_code("75011")] == [("US", "Carrollton, TX"), ("FR", "Paris 11e")]


def test_a_french_browser_typing_a_paris_code_searches_paris(world) -> None:
    status, body = api(FRENCH, postal_code="75011")
    assert status == 200
    assert (body["near"], body["country"]) == ("Paris 11e", "FR")
    assert [r["practitioner_name"] for r in body["results"]] == ["Dr Claire Cœur"]
    status, html = page(FRENCH, postal_code="75011")
    assert status == 200
    assert "près de Paris 11e" in html and "Dr Claire Cœur" in html and "Carrollton" not in html


@pytest.mark.parametrize("headers", [None, AMERICAN, {"HTTP_ACCEPT_LANGUAGE": "de-DE,fr;q=0.5"}])
def test_a_code_of_both_countries_without_a_clear_country_asks(world, headers) -> None:
    """Without a French-language browser, 75011 is neither silently Texas nor silently Paris."""
    status, body = api(headers, postal_code="75011")
    assert status == 400
    assert body["code"] == "which_place"
    if headers and "fr" in headers["HTTP_ACCEPT_LANGUAGE"]:
        # French is the first language this browser takes that IndigoMed writes: it asks in French.
        assert body["detail"].startswith("75011 est un code postal en France et aux États-Unis.")
    else:
        assert body["detail"] == (
            "75011 is a postal code in France and in the United States. "
            "Did you mean Paris 11e, France, or Carrollton, TX, United States?"
        )
    assert [(c["country"], c["place"]) for c in body["choices"]] == [("FR", "Paris 11e"), ("US", "Carrollton, TX")]


def test_the_page_asks_with_a_link_for_each_place(world) -> None:
    status, html = page(AMERICAN, text="cardiology", postal_code="75011")
    assert status == 200
    assert "Did you mean Paris 11e, France, or Carrollton, TX, United States?" in html
    links = dict(re.findall(r'<a href="(\?[^"]+)">Search near ([^<]+)</a>', html))
    assert set(links.values()) == {"Paris 11e, France", "Carrollton, TX, United States"}
    for url, label in links.items():
        query = parse_qs(urlsplit(url).query)
        assert query["country"] == ["FR" if "France" in label else "US"]
        assert query["text"] == ["cardiology"] and query["postal_code"] == ["75011"]
    # Following "Paris 11e, France" searches there; the choice then stays in the form.
    paris = next(url for url, label in links.items() if "France" in label)
    response = Client(**AMERICAN).get(f"/search/{paris}")
    html = unescape(response.content.decode())
    assert "near Paris 11e" in html and "Dr Claire Cœur" in html
    assert '<option value="FR" selected>' in html


def test_a_chosen_country_is_obeyed(world) -> None:
    """Someone who picks the United States means Carrollton, even from a French browser."""
    status, body = api(FRENCH, postal_code="75011", country="US")
    assert (status, body["near"], body["results"]) == (200, "Carrollton, TX", [])
    status, body = api(AMERICAN, postal_code="75011", country="FR")
    assert (status, body["near"]) == (200, "Paris 11e")


@pytest.mark.parametrize(
    ("code", "near"), [("13001", "Marseille 1er"), ("69002", "Lyon 2e"), ("10016", "New York, NY")]
)
def test_a_code_of_one_country_needs_no_question(world, code: str, near: str) -> None:
    for headers in (None, FRENCH, AMERICAN):
        status, body = api(headers, postal_code=code)
        assert (status, body["near"]) == (200, near)


def test_a_code_that_exists_only_in_the_other_country_is_offered(world) -> None:
    status, body = api(postal_code="10016", country="FR")
    assert status == 400
    assert body["code"] == "which_place"
    assert body["detail"] == "We do not know 10016 in France. Did you mean New York, NY, United States?"
    status, html = page(postal_code="10016", country="FR")
    assert status == 200 and "Search near New York, NY, United States" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"postal_code": "99999"}, "We do not know that ZIP or postal code in the United States or France."),
        ({"postal_code": "98799", "country": "FR"}, "We do not know that postal code in France."),
        ({"postal_code": "00000", "country": "US"}, "We do not know that ZIP code in the United States."),
        ({"postal_code": "7501"}, "'7501' is not a ZIP or postal code: use five digits."),
        ({"postal_code": "75O11"}, "'75O11' is not a ZIP or postal code: use five digits."),
        ({"postal_code": "750 111"}, "'750111' is not a ZIP or postal code: use five digits."),
    ],
)
def test_unknown_and_malformed_codes_are_explained(world, params: dict, message: str) -> None:
    status, body = api(**params)
    assert (status, body["detail"]) == (400, message)
    status, html = page(**params)
    assert status == 400
    assert f'<span class="field-error" id="postal_code-error">{message}</span>' in html, "beside the field"


@pytest.mark.parametrize("typed", ["75 011", "７５０１１", "75\u00a0011"])
def test_codes_are_read_as_people_type_them(world, typed: str) -> None:
    """Spaces, non-breaking spaces and full-width digits are all one code."""
    status, body = api(FRENCH, postal_code=typed)
    assert (status, body["near"]) == (200, "Paris 11e")


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("fr-CA", "fr"),
        ("en-US,en;q=0.9,fr;q=0.8", "en"),
        ("en;q=0.5, fr", "fr"),
        ("de;q=nan, fr;q=0.1", "fr"),
        ("*", None),
        ("", None),
        ("x" * 10_000, None),
        ("ф-ф", None),
    ],
)
def test_the_browser_language_is_its_first_choice(header: str, language: str | None) -> None:
    assert preferred_language(header) == language


def test_the_french_code_list_is_whole_and_in_france() -> None:
    """The shipped table: every code five digits and once, every point in metropolitan France or overseas."""
    text = resources.files("indigomed.directory").joinpath("data/fr_postal_codes.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) > 6000
    assert all(re.fullmatch(r"\d{5}", code) for code in codes)
    for row in rows:
        lat, lng = float(row["latitude"]), float(row["longitude"])
        metropolitan = 41 <= lat <= 51.2 and -5.3 <= lng <= 9.7
        assert metropolitan or row["code"].startswith("97"), row
    assert {"75001", "75116", "13016", "69009", "20000", "97400"} <= set(codes)
