"""NOTICE-1 in Chromium: a member signing in after a new version is asked about it and carries on
in one click; the notice pages, the paper copy, sign-up and the office's desk hold no serious
accessibility violation and break no Content-Security-Policy rule, on a phone and a desktop."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from indigomed.accounts.models import PrivacyOfficer
from tests.browser.axe import blocking_violations, report
from tests.browser.pages import sign_in
from tests.conftest import address_of, make_user
from tests.notices.conftest import publish

pytestmark = pytest.mark.browser
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture
def notice_versions_removed_after(transactional_db: None):
    """Published versions refuse DELETE (by design): removed with the guard lifted for a moment,
    then the guard is put back, before the database is emptied for the next test."""
    yield
    import importlib

    from django.db import connection

    guard = importlib.import_module("indigomed.notices.migrations.0001_notice_versions_and_acknowledgements")
    editor = connection.schema_editor()
    guard.drop_triggers(None, editor)
    with connection.cursor() as cursor:
        for table in ("notices_noticeacknowledgement", "notices_noticequestion", "notices_noticeannouncement"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM notices_noticeversion")
    guard.create_triggers(None, editor)


def visit(browser: Any, base: str, who: str | None, paths: list[str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    accessibility: dict[str, Any] = {}
    blocked: dict[str, list[str]] = {}
    for size, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        said: list[str] = []
        page.on("console", lambda message, said=said: said.append(message.text))
        if who:
            sign_in(page, base, who)
        for path in paths:
            said.clear()
            response = page.goto(base + path)
            assert response is not None and response.status < 400, (path, response and response.status)
            if violations := blocking_violations(page):
                accessibility[f"{path} ({size})"] = violations
            if refused := [text for text in said if "Content Security Policy" in text]:
                blocked[f"{path} ({size})"] = refused
        context.close()
    return accessibility, blocked


def test_a_member_is_asked_after_sign_in_and_the_notice_pages_hold_up(
    browser, transactional_db, notice_versions_removed_after, world, live_server
) -> None:
    officer = make_user("office@example.test")
    PrivacyOfficer.objects.create(user=officer)
    publish(officer, on=dt.date(2026, 1, 1))
    publish(officer, on=dt.date(2026, 2, 1), changes_en="- Section 14 is new: links to other sites.")
    publish(officer, kind="terms", on=dt.date(2026, 1, 1))
    base = live_server.url

    page = browser.new_page()
    sign_in(page, base, address_of(world.member))  # lands on the home page, which asks first
    assert re.search(r"/privacy/changes/\?next=%2F$", page.url), page.url
    assert page.locator("li:has-text('Section 14 is new')").is_visible()
    page.click("text=Not now: continue")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/appointments/")  # asked once: nothing stands in the way
    assert page.url == f"{base}/appointments/"
    page.close()

    found, blocked = visit(
        browser,
        base,
        None,
        ["/privacy/", "/privacy/v/1/", "/privacy/?lang=fr", "/terms/", "/privacy/paper/", "/accounts/signup/"],
    )
    for who, paths in (
        (address_of(world.member), ["/privacy/", "/privacy/changes/", "/privacy/paper/"]),
        (address_of(officer), ["/office/notices/", "/office/notices/privacy/new"]),
    ):
        more_found, more_blocked = visit(browser, base, who, paths)
        found |= more_found
        blocked |= more_blocked
    assert not found, report(found)
    assert not blocked, blocked
