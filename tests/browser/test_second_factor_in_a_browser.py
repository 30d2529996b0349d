"""SEC-1 in Chromium: a practitioner is held at the second factor, adds an authenticator app, works,
and signs in with a code next time; the second-factor pages break no Content-Security-Policy."""

from __future__ import annotations

import pytest

from tests.browser.pages import sign_in
from tests.browser.test_no_csp_violation import violations_on
from tests.conftest import address_of

pytestmark = pytest.mark.browser


def test_a_practitioner_adds_an_app_then_signs_in_with_its_code(
    browser, transactional_db, world, live_server, test_output
) -> None:
    """SEC-1"""
    base = live_server.url
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    page.set_default_timeout(15_000)
    # First sign-in: the password, then the app is added from the account's page (pages.sign_in).
    sign_in(page, base, address_of(world.doctor_user))
    page.goto(f"{base}/connect/")
    assert page.url.startswith(f"{base}/connect/")
    page.context.clear_cookies()  # the session gone, as after the idle limit
    # Next time: the password alone stops at the code, and the code opens Connect.
    page.goto(f"{base}/connect/")
    assert "/accounts/login/" in page.url
    sign_in(page, base, address_of(world.doctor_user))  # the code step, this time (pages.sign_in)
    page.goto(f"{base}/connect/")
    assert page.url.startswith(f"{base}/connect/") and "Two-Factor" not in page.inner_text("main")
    page.screenshot(path=str(test_output / "second-factor-connect-phone.png"), full_page=True)


def test_the_second_factor_pages_break_no_content_security_policy(
    browser, transactional_db, world, live_server
) -> None:
    """SEC-1: allauth's pages keep their scripts in files and their data in JSON blocks."""
    paths = ["/accounts/2fa/", "/accounts/2fa/webauthn/", "/accounts/2fa/recovery-codes/", "/connect/"]
    assert violations_on(browser, live_server.url, address_of(world.doctor_user), paths) == {}
