"""axe-core in the main pages, on a phone and a desktop: no serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest

from indigomed.accounts.models import PrivacyOfficer
from indigomed.scheduling.services import book_appointment
from tests.browser.axe import blocking_violations, report
from tests.browser.pages import sign_in
from tests.conftest import address_of, make_user
from tests.scheduling.helpers import open_slot

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


def check(browser: Any, base: str, who: str | None, paths: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each page, signed in as ``who`` (an address) or as a visitor, at each size."""
    found: dict[str, list[dict[str, Any]]] = {}
    for size, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        if who:
            sign_in(page, base, who)
        for path in paths:
            response = page.goto(base + path)
            assert response is not None and response.status < 400, (path, response and response.status)
            if violations := blocking_violations(page):
                found[f"{path} ({size})"] = violations
        context.close()
    return found


def test_the_main_pages_have_no_serious_or_critical_accessibility_violation(
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
    free = open_slot(world.heart_role, index=3)
    base = live_server.url

    found = check(
        browser,
        base,
        None,
        [
            "/",
            "/search/?what=cardiology&postal_code=10016&country=US",
            "/practitioners/ada-hart/",
            "/facilities/hudson-clinic/",
            "/facilities/cabinet-voltaire/",
            "/accounts/login/",
            "/accounts/signup/",
        ],
    )
    found |= check(
        browser,
        base,
        address_of(world.member),
        [
            f"/book/{free.pk}/",
            "/appointments/",
            f"/appointments/{booked.public_id}/",
            "/me/",
            "/me/privacy/",
            "/me/contact/",
        ],
    )
    found |= check(
        browser,
        base,
        address_of(world.doctor_user),
        [f"/connect/?day={booked.starts_at.date().isoformat()}", "/connect/?view=week"],
    )
    found |= check(browser, base, address_of(officer), ["/office/"])
    assert not found, "\n" + report(found)


def test_the_check_finds_what_it_must(browser) -> None:
    """The check itself: a page without a language, an image without text and an empty button fail it."""
    page = browser.new_page()
    page.set_content("<html><body><img src='x.png'><button></button></body></html>")
    assert {v["id"] for v in blocking_violations(page)} >= {"html-has-lang", "image-alt", "button-name"}
    page.close()
