"""In a real browser: a member asks for an accounting of disclosures, an officer fulfils it, the
member downloads it; the pages fit a 390-pixel phone as well as a desktop."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer
from indigomed.rights.models import Request
from tests.browser.pages import sign_in
from tests.conftest import address_of, make_user
from tests.privacy.conftest import ask, court

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    """Nothing wider than the screen: no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_member_asks_for_an_accounting_an_officer_fulfils_it_the_member_downloads_it(
    browser, transactional_db, ledger_rows_removed_after, live_server, test_output
) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    member = make_user("acct.member@example.test", member=True, country="US", region="NY")
    officer = make_user("desk.officer@example.test")
    PrivacyOfficer.objects.create(user=officer)
    ask(
        member, court(member), "required_by_law", {"medical"}, ref="visit:1", at=timezone.now() - dt.timedelta(days=365)
    )

    phone = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True).new_page()
    sign_in(phone, live_server.url, address_of(member))
    phone.goto(f"{live_server.url}/me/requests/")
    with phone.expect_navigation():
        phone.click("a:has-text('An accounting of disclosures')")
    assert "This accounting is free" in phone.inner_text("#fee")
    assert fits(phone)
    today = timezone.now().astimezone(ZoneInfo("America/New_York")).date()  # the member's today
    phone.fill("input[name=asked_from]", (today - dt.timedelta(days=365 * 10)).isoformat())
    phone.fill("input[name=asked_until]", today.isoformat())
    phone.fill("input[name=signed_name]", "Acct Member")
    phone.check("input[name=consent]")
    with phone.expect_navigation():
        phone.click("button:has-text('Sign and send')")
    # Ten years is more than the look-back: cut, and the member is told why.
    assert "reaches back 2190 days" in phone.inner_text("main")
    assert phone.inner_text("#state") == "Received"
    assert fits(phone)
    phone.screenshot(path=str(shots / "rights-1-accounting-asked-phone.png"), full_page=True)
    request = Request.objects.get(member=member)

    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(office, live_server.url, address_of(officer))
    office.goto(f"{live_server.url}/office/requests/")
    assert str(request.public_id)[:8] in office.inner_text("main")
    with office.expect_navigation():
        office.click(f"a:has-text('{str(request.public_id)[:8]}')")
    with office.expect_navigation():
        office.click("#start-review")
    office.check("input[name=outcome][value=fulfilled]")
    with office.expect_navigation():
        office.click("#conclude")
    assert "Answered; the member is told." in office.inner_text("main")
    office.screenshot(path=str(shots / "rights-2-office-answered.png"), full_page=True)

    phone.reload()
    assert phone.inner_text("#state") == "Fulfilled"
    with phone.expect_download() as pdf:
        phone.click("#downloads a:has-text('PDF')")
    saved = shots / "rights-accounting.pdf"
    pdf.value.save_as(str(saved))
    assert saved.read_bytes().startswith(b"%PDF-")
    with phone.expect_download() as as_csv:
        phone.click("#downloads a:has-text('CSV')")
    rows = Path(as_csv.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and "Superior Court, County of Example" in rows[1]
    assert fits(phone)
    phone.screenshot(path=str(shots / "rights-3-accounting-ready-phone.png"), full_page=True)
