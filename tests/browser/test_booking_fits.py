"""On a phone (390×844) in Chromium: say new or returning and why, choose a time that fits, sign up
from it, confirm the address from the e-mail, sign in, land back on the time still held, book it."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from indigomed.scheduling.models import Appointment, SlotHold
from tests.scheduling.fits import first_visits_and_follow_ups

pytestmark = pytest.mark.browser

PASSWORD = "a long passphrase typed on a small screen"
LINK = re.compile(r"http://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_sign_up_from_a_time_that_fits_and_book_it_on_a_phone(
    browser, transactional_db, world, live_server, test_output
):
    visits = first_visits_and_follow_ups(world)
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url

    # The profile asks first, and offers times only once answered.
    page.goto(f"{base}/practitioners/ada-hart/")
    assert page.locator("a.slot").count() == 0
    page.check("input[name=patient][value=new]")
    page.select_option("select[name=visit_reason]", "chest-pain")
    with page.expect_navigation():
        page.click("button:has-text('Show times that fit')")
    assert page.locator("text=For a new patient · Chest pain").first.is_visible()
    shown = {
        int(h.split("/")[2]) for h in page.locator("a.slot").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    }
    assert shown and shown <= visits.ids(visits.first)  # never a follow-up for a new patient
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "fits-1-profile-phone.png"), full_page=True)

    chosen = page.locator("a.slot").nth(3)
    slot_id = int((chosen.get_attribute("href") or "").split("/")[2])
    chosen.click()
    page.wait_for_url(re.compile(rf"/book/{slot_id}/$"))
    # What was said on the profile is asked again here, already answered.
    assert page.locator("input[name=patient][value=new]").is_checked()
    assert page.locator("select[name=visit_reason]").input_value() == "chest-pain"
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "fits-2-book-signed-out-phone.png"), full_page=True)
    page.click("button:has-text('Create an account to book')")
    page.wait_for_url(re.compile(r"/accounts/signup/"))
    assert page.locator("text=We are holding this time for you until").is_visible()
    assert SlotHold.objects.filter(slot_id=slot_id).exists()

    page.fill("input[name=full_name]", "Robin Phone")
    page.fill("input[name=email]", "robin.phone@example.test")
    page.fill("input[name=date_of_birth]", "1991-05-14")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "fits-3-sign-up-phone.png"), full_page=True)
    page.click("main button[type=submit]:not(.link)")
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))

    # The confirmation e-mail, read as the member would, opened in the same browser.
    assert mail.outbox[-1].to == ["robin.phone@example.test"]
    found = LINK.search(mail.outbox[-1].body)
    assert found is not None
    page.goto(f"{base}{found.group(1)}")
    with page.expect_navigation():
        page.click("main button[type=submit]:not(.link)")
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    assert page.locator("text=Sign in to book the time you chose.").is_visible()
    page.fill("input[name=login]", "robin.phone@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]:has-text('Sign In')")

    # Back on the chosen time, still held, with what was said before signing up.
    page.wait_for_url(re.compile(rf"/book/{slot_id}/$"))
    assert page.locator("text=We are holding this time for you until").is_visible()
    assert page.locator("input[name=patient][value=new]").is_checked()
    assert page.locator("select[name=visit_reason]").input_value() == "chest-pain"
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "fits-4-back-on-the-time-phone.png"), full_page=True)
    page.click("button:has-text('Confirm booking')")
    page.wait_for_url(re.compile(r"/appointments/[0-9a-f-]{36}/"))
    assert page.locator("text=Your appointment is booked.").is_visible()
    assert page.locator("text=You can cancel or move until").is_visible()
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / "fits-5-booked-phone.png"), full_page=True)
    context.close()

    booked = Appointment.objects.get()
    assert booked.slot_id == slot_id and booked.visit_type == visits.first
    assert not SlotHold.objects.exists()
