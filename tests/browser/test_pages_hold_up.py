"""Pages that hold up on a 390-px phone and at 1280 px: Connect without sideways scrolling (its
appointments become cards), the facility's week, the site's own 404; a screenshot of each."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from indigomed.scheduling.services import book_appointment
from tests.browser.pages import sign_in
from tests.conftest import address_of
from tests.scheduling.helpers import open_slot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCROLL_WIDTH = "document.documentElement.scrollWidth"


def open_page(browser: Any, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport, locale="en-US").new_page()
    page.set_default_timeout(15_000)
    return page


def test_connect_on_a_phone_is_cards_without_sideways_scrolling(
    browser, transactional_db, ledger_rows_removed_after, world, live_server, test_output
) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    booked = book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )
    book_appointment(
        actor=world.other_member, slot_id=open_slot(world.skin_role).pk, visit_reason="acne", insurance_plan=None
    )
    day = booked.starts_at.astimezone(ZoneInfo(world.ny_clinic.timezone)).date().isoformat()

    measured = {}
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(browser, viewport)
        sign_in(page, live_server.url, address_of(world.doctor_user))
        for view in ("day", "week"):
            page.goto(f"{live_server.url}/connect/?view={view}&day={day}")
            row = page.locator(f"tr[data-appointment='{booked.public_id}']")
            assert "Pat Member" in row.inner_text() and "Chest pain" in row.inner_text()
            measured[(name, view)] = page.evaluate(SCROLL_WIDTH)
            box = row.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            header_shown = page.locator("table.calendar thead").first.is_visible()
            # A card on the phone: its lines are labelled and the table's header is gone.
            assert header_shown == (name == "desktop")
            page.screenshot(path=str(shots / f"connect-{view}-{name}.png"), full_page=True)
        if name == "phone":
            # Marking a visit works from the card.
            page.goto(f"{live_server.url}/connect/?day={day}")
            card = page.locator(f"tr[data-appointment='{booked.public_id}']")
            card.locator("select[name=status]").select_option("checked_in")
            with page.expect_navigation():
                card.locator("button:has-text('Save')").click()
            assert page.locator("text=Marked checked in").is_visible()
        page.context.close()
    assert measured[("phone", "day")] <= 390 and measured[("phone", "week")] <= 390, measured
    assert measured[("desktop", "day")] <= 1280 and measured[("desktop", "week")] <= 1280, measured


def test_a_facility_page_shows_the_weeks_open_times_and_fits_a_phone(
    browser, transactional_db, world, live_server, test_output
) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(browser, viewport)
        for slug in ("hudson-clinic", "cabinet-voltaire"):
            page.goto(f"{live_server.url}/facilities/{slug}/")
            assert page.evaluate(SCROLL_WIDTH) <= viewport["width"], (slug, name)
            weeks = page.locator("section.practitioner-week")
            assert weeks.count() >= 1
            assert weeks.first.locator(".week .day").count() == 7
            assert page.locator("a.slot").count() > 0
            page.screenshot(path=str(shots / f"facility-{slug}-{name}.png"), full_page=True)
        # An open time leads to its booking page, which asks a visitor why they come first.
        page.goto(f"{live_server.url}/facilities/hudson-clinic/")
        page.locator("a.slot").first.click()
        page.wait_for_url(f"{live_server.url}/book/**")
        page.context.close()


def test_the_profile_search_and_404_fit_a_phone(browser, transactional_db, world, live_server, test_output) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(browser, viewport)
        for label, path in (
            ("profile", "/practitioners/ada-hart/"),
            ("search", "/search/?what=cardiology&postal_code=10016&country=US"),
        ):
            page.goto(live_server.url + path)
            assert page.evaluate(SCROLL_WIDTH) <= viewport["width"], (path, name)
            page.screenshot(path=str(shots / f"{label}-{name}.png"), full_page=True)
        missing = page.goto(f"{live_server.url}/no/such/page/")
        assert missing is not None and missing.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
        assert "URLconf" not in page.content()
        assert page.evaluate(SCROLL_WIDTH) <= viewport["width"]
        page.screenshot(path=str(shots / f"404-{name}.png"), full_page=True)
        page.context.close()
