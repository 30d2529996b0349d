"""The Content-Security-Policy holds in a real browser: the main pages load with no violation reported."""

from __future__ import annotations

from typing import Any

import pytest

from indigomed.accounts.models import PrivacyOfficer
from indigomed.scheduling.services import book_appointment
from tests.browser.pages import sign_in
from tests.conftest import address_of, make_user
from tests.scheduling.helpers import open_slot

pytestmark = pytest.mark.browser


def violations_on(browser: Any, base: str, who: str | None, paths: list[str]) -> dict[str, list[str]]:
    """Chromium's console reports of a blocked script, style or image, by page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    reported: list[str] = []
    page.on("console", lambda message: reported.append(message.text))
    if who:
        sign_in(page, base, who)
    found: dict[str, list[str]] = {}
    for path in paths:
        reported.clear()
        response = page.goto(base + path)
        assert response is not None and "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        if blocked := [text for text in reported if "Content Security Policy" in text]:
            found[path] = blocked
    context.close()
    return found


def test_the_main_pages_load_with_no_content_security_policy_violation(
    browser, transactional_db, ledger_rows_removed_after, world, live_server
) -> None:
    officer = make_user("office@example.test")
    PrivacyOfficer.objects.create(user=officer)
    booked = book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )
    base = live_server.url

    found = violations_on(
        browser,
        base,
        None,
        [
            "/",
            "/search/?what=cardiology&postal_code=10016&country=US",
            "/practitioners/ada-hart/",
            "/facilities/hudson-clinic/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/no-such-page/",
            "/admin/login/",
            "/api/docs",
        ],
    )
    found |= violations_on(
        browser,
        base,
        address_of(world.member),
        [
            "/appointments/",
            f"/appointments/{booked.public_id}/",
            "/me/",
            "/me/privacy/",
            "/me/sessions/",
            "/accounts/email/",
        ],
    )
    found |= violations_on(
        browser, base, address_of(world.doctor_user), [f"/connect/?day={booked.starts_at.date().isoformat()}"]
    )
    found |= violations_on(browser, base, address_of(officer), ["/office/"])
    assert not found, found


def test_the_api_documentation_still_works_under_the_policy(browser, transactional_db, live_server) -> None:
    page = browser.new_page()
    page.goto(f"{live_server.url}/api/docs")
    # Swagger UI is drawn by its script from the schema it fetched: both ran.
    page.wait_for_selector("#swagger-ui .opblock", timeout=15_000)
    page.close()


def test_an_inline_script_is_blocked_and_reported(browser, transactional_db, live_server) -> None:
    """The check itself: a script written into a page is refused, and the refusal is what it listens for."""
    page = browser.new_page()
    reported: list[str] = []
    page.on("console", lambda message: reported.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = true';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    assert any("Content Security Policy" in text for text in reported)
    page.close()
