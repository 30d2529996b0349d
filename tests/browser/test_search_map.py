"""In Chromium at a phone's size (390×844) and a laptop's (1280×900): free text, the postal-code
question, results and profiles on a map. Map tiles cannot load here (as on a network that blocks
them): the markers, the list and the page must all work without them, with no script error."""

from __future__ import annotations

import re
from typing import Any

import pytest

from indigomed.directory.models import Facility, Practitioner, PractitionerRole

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}


@pytest.fixture
def lyon(world) -> Practitioner:
    """A third cardiologist, in Lyon, so a French search has two places to show."""
    clinic = Facility.objects.create(
        slug="centre-bellecour",
        name="Centre Bellecour",
        street="2 place Bellecour",
        city="Lyon",
        region="ARA",
        postal_code="69002",
        country="FR",
        latitude=45.7578,
        longitude=4.8320,
        timezone="Europe/Paris",
    )
    doctor = Practitioner.objects.create(
        slug="hugo-lefevre", title="Dr", given_name="Hugo", family_name="Lefèvre", gender="male"
    )
    doctor.specialties.add(world.cardiology)
    doctor.languages.add(world.paris_doctor.languages.first())
    PractitionerRole.objects.create(practitioner=doctor, facility=clinic)
    return doctor


def open_page(browser: Any, size: str, *, locale: str = "en-US", javascript: bool = True) -> tuple[Any, list[str]]:
    """A page whose tile requests fail, and the script errors it meets."""
    context = browser.new_context(viewport=SIZES[size], locale=locale, java_script_enabled=javascript)
    context.route(re.compile(r"https?://[^/]*tile\.openstreetmap\.org/.*"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A tile that cannot load is a failed request, not a script error; anything else logged as an error is.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    return page, errors


def no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("size", SIZES)
def test_results_on_a_map_with_a_marker_for_each(
    browser, transactional_db, world, lyon, live_server, test_output, size: str
) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    page, errors = open_page(browser, size, locale="fr-FR")
    page.goto(f"{live_server.url}/")
    page.fill("input[name=text]", "cardiologue")
    page.fill("input[name=postal_code]", "75011")
    page.select_option("select[name=sort]", "distance")
    page.fill("input[name=radius_km]", "500")
    page.click("button:has-text('Rechercher')")
    page.wait_for_url(re.compile(r"/search/"))
    # A French browser reads French pages, and 75011 is Paris, nearest first.
    assert "près de Paris 11e" in page.locator("h1").inner_text()
    assert page.locator(".result h2 a").all_inner_texts() == ["Dr Claire Cœur", "Dr Hugo Lefèvre"]
    pins = page.locator(".leaflet-marker-icon")
    pins.first.wait_for()
    assert sorted(pins.all_inner_texts()) == ["1", "2"]
    assert page.locator(".map-canvas").is_visible()
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"search-map-{size}.png"), full_page=True)

    # A marker opens the practitioners it stands for.
    page.locator(".leaflet-marker-icon", has_text="2").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Dr Hugo Lefèvre" in popup.inner_text() and "Centre Bellecour" in popup.inner_text()
    with page.expect_navigation():
        popup.locator("a", has_text="Dr Hugo Lefèvre").click()
    assert page.url.endswith("/practitioners/hugo-lefevre/")
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.locator(".leaflet-marker-icon").count() == 1
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"practitioner-map-{size}.png"), full_page=True)

    page.goto(f"{live_server.url}/facilities/hudson-clinic/")
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.locator(".leaflet-control-attribution").inner_text().strip().endswith("OpenStreetMap contributors")
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"facility-map-{size}.png"), full_page=True)
    assert errors == []


@pytest.mark.parametrize("size", SIZES)
def test_a_code_of_both_countries_asks_and_the_answer_searches_there(
    browser, transactional_db, world, live_server, test_output, size: str
) -> None:
    page, errors = open_page(browser, size, locale="en-US")
    page.goto(f"{live_server.url}/")
    page.fill("input[name=text]", "Coeur")
    page.fill("input[name=postal_code]", "75011")
    page.click("button:has-text('Search')")
    question = page.locator(".question")
    assert "Did you mean Paris 11e, France, or Carrollton, TX, United States?" in question.inner_text()
    no_sideways_scroll(page)
    page.screenshot(path=str(test_output / "browser" / f"search-question-{size}.png"), full_page=True)
    with page.expect_navigation():
        question.locator("a", has_text="Paris 11e, France").click()
    assert page.locator(".result h2 a").all_inner_texts() == ["Dr Claire Cœur"]
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.locator("select[name=country]").input_value() == "FR"
    assert errors == []


@pytest.mark.parametrize("size", SIZES)
def test_without_javascript_the_list_is_the_page(
    browser, transactional_db, world, live_server, test_output, size
) -> None:
    page, errors = open_page(browser, size, javascript=False)
    page.goto(f"{live_server.url}/search/?text=cardiology")
    assert set(page.locator(".result h2 a").all_inner_texts()) == {"Dr. Ada Hart", "Dr Claire Cœur"}
    assert not page.locator(".map-canvas").is_visible()
    assert page.locator("a.slot").count() > 0
    page.screenshot(path=str(test_output / "browser" / f"search-no-js-{size}.png"), full_page=True)
    page.goto(f"{live_server.url}/facilities/hudson-clinic/")
    assert page.locator(".map-links a", has_text="See Hudson Clinic on a map").is_visible()
    assert errors == []
