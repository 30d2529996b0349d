"""A member's whole journey in a real browser: search, profile, sign in, book, my appointments, cancel."""

from __future__ import annotations

import re

import pytest

from indigomed.scheduling.models import Appointment
from tests.conftest import PASSWORD, address_of

pytestmark = pytest.mark.browser


def test_search_profile_sign_in_book_and_cancel(browser, transactional_db, world, live_server, test_output) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/")
    page.select_option("select[name=what]", "cardiology")
    page.fill("input[name=postal_code]", "10016")
    page.click("button:has-text('Search')")
    page.wait_for_url(re.compile(r"/search/"))
    assert page.locator(".result h2").first.inner_text() == "Dr. Ada Hart"
    page.screenshot(path=str(shots / "1-search.png"), full_page=True)

    page.click("text=Dr. Ada Hart")
    page.wait_for_url(re.compile(r"/practitioners/ada-hart/"))
    assert page.locator("text=Hudson Clinic").first.is_visible()
    page.screenshot(path=str(shots / "2-profile.png"), full_page=True)

    # Who the visit is for comes first; then the week's last open time that fits: well past the
    # clinic's 24-hour cut-off, so it can be cancelled online.
    page.check("input[name=patient][value=new]")
    page.select_option("select[name=visit_reason]", "chest-pain")
    with page.expect_navigation():
        page.click("button:has-text('Show times that fit')")
    page.locator("a.slot").last.click()
    page.wait_for_url(re.compile(r"/book/\d+/"))
    page.click("button:has-text('Sign in to book')")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=login]", address_of(world.member))
    page.fill("input[name=password]", PASSWORD)
    page.screenshot(path=str(shots / "3-sign-in.png"), full_page=True)
    page.click("button[type=submit]:has-text('Sign In')")
    page.wait_for_url(re.compile(r"/book/\d+/"))

    page.select_option("select[name=visit_reason]", "chest-pain")
    page.select_option("select[name=insurance_plan]", "aetna-hmo")
    page.screenshot(path=str(shots / "4-book.png"), full_page=True)
    page.click("button:has-text('Confirm booking')")
    page.wait_for_url(re.compile(r"/appointments/[0-9a-f-]{36}/"))
    assert page.locator("text=Your appointment is booked.").is_visible()

    page.click("text=My appointments")
    page.wait_for_url(re.compile(r"/appointments/$"))
    upcoming = page.locator("ul.appointments").first
    assert "Dr. Ada Hart" in upcoming.inner_text()
    page.screenshot(path=str(shots / "5-my-appointments.png"), full_page=True)

    upcoming.locator("a").first.click()
    with page.expect_navigation():
        page.click("button:has-text('Cancel appointment')")
    assert page.locator("text=Your appointment is cancelled.").is_visible()
    assert page.locator("dd.status").inner_text() == "Cancelled"
    page.screenshot(path=str(shots / "6-cancelled.png"), full_page=True)
    context.close()

    assert list(Appointment.objects.values_list("status", flat=True)) == ["cancelled"]
