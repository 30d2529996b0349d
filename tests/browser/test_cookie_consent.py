"""COOKIE-1 and TRAFFIC-1 in Chromium: a first visit sets no optional cookie; refusing is one click;
after accepting analytics, page views are stored pseudonymized (no address anywhere in the table);
a browser sending the Global Privacy Control signal is never recorded."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from indigomed.traffic import pseudonym
from indigomed.traffic.models import PageView
from indigomed.web import consent

pytestmark = pytest.mark.browser

NECESSARY = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages", consent.COOKIE_NAME}


def new_page(browser: Any, **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def cookie_names(context: Any) -> set[str]:
    return {c["name"] for c in context.cookies()}


def stored_text() -> str:
    return " ".join(" ".join(str(v) for v in row) for row in PageView.objects.values_list())


def test_consent_decides_what_is_set_and_what_is_recorded(browser, transactional_db, world, live_server, test_output):
    """COOKIE-1, TRAFFIC-1"""
    pseudonym.forget_keys()
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    practitioner = f"/practitioners/{world.heart_doctor.slug}/"

    # A first visit: the banner, and only strictly necessary cookies.
    context, page = new_page(browser)
    page.goto(f"{base}/")
    banner = page.locator("#cookie-banner")
    assert banner.is_visible()
    page.screenshot(path=str(shots / "cookie-banner.png"), full_page=True)
    page.goto(f"{base}/search/")
    page.goto(f"{base}{practitioner}")
    assert cookie_names(context) <= NECESSARY - {consent.COOKIE_NAME}, cookie_names(context)
    assert not PageView.objects.exists(), "nothing is recorded before a choice"

    # Refusing is one click, like accepting; the banner goes and stays gone.
    page.locator("#cookie-banner button[value=refuse_all]").click()
    page.wait_for_function("!document.getElementById('cookie-banner')")
    assert consent.COOKIE_NAME in cookie_names(context)
    page.goto(f"{base}/search/")
    assert page.locator("#cookie-banner").count() == 0
    assert page.locator("nav.cookie-footer a:has-text('Cookie settings')").is_visible()
    assert not PageView.objects.exists()
    context.close()

    # Without JavaScript the banner is a plain form that brings the visitor back.
    context, page = new_page(browser, java_script_enabled=False)
    page.goto(f"{base}/search/")
    with page.expect_navigation():
        page.locator("#cookie-banner button[value=refuse_all]").click()
    assert page.url.endswith("/search/") and page.locator("#cookie-banner").count() == 0
    assert page.locator("text=Your cookie choice is saved").is_visible()
    context.close()

    # Choosing analytics on the settings page: page views are then stored, pseudonymized.
    context, page = new_page(browser)
    page.goto(f"{base}/search/")
    page.locator("#cookie-banner a:has-text('Choose')").click()
    page.wait_for_url(re.compile(r"/cookies/"))
    page.check("input[name=analytics]")
    page.screenshot(path=str(shots / "cookie-settings.png"), full_page=True)
    with page.expect_navigation():
        page.click("main button[value=save]")
    page.goto(f"{base}{practitioner}?q=private+words")
    page.goto(f"{base}/")
    assert set(PageView.objects.values_list("page", flat=True)) >= {"search", "practitioner", "home"}
    text = stored_text()
    assert "127.0.0.1" not in text and "127.0.0" not in text, "no address, full or cut, is stored"
    assert world.heart_doctor.slug not in text and "private" not in text
    assert all(re.fullmatch(r"[0-9a-f]{64}", n) for n in PageView.objects.values_list("network", flat=True))
    context.close()

    # The Global Privacy Control signal refuses analytics whatever is accepted.
    before = PageView.objects.count()
    context, page = new_page(browser, extra_http_headers={"Sec-GPC": "1"})
    page.goto(f"{base}/search/")
    page.locator("#cookie-banner button[value=accept_all]").click()
    page.wait_for_function("!document.getElementById('cookie-banner')")
    page.goto(f"{base}{practitioner}")
    page.goto(f"{base}/cookies/")
    assert page.locator("text=Global Privacy Control").is_visible()
    assert PageView.objects.count() == before, "a browser sending Sec-GPC: 1 is never recorded"
    context.close()
