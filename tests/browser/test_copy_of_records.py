"""In a real browser (RIGHT-ACCESS): a member asks for a copy of their records, accepting its fee; the
privacy office answers; the member downloads the PDF and the FHIR file from the request, at 390 px."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indigomed.accounts.models import PrivacyOfficer
from tests.browser.pages import sign_in
from tests.conftest import address_of, make_user
from tests.interop.conftest import booking, pdf_text

pytestmark = pytest.mark.browser


def test_a_member_asks_for_a_copy_the_office_answers_and_the_member_downloads_it(
    browser, transactional_db, ledger_rows_removed_after, world, live_server, test_output
) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    officer = make_user("office@example.test")
    PrivacyOfficer.objects.create(user=officer)
    booking(world.member, world.heart_role, days_ago=12, reason="Chest pain")

    member = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True).new_page()
    sign_in(member, live_server.url, address_of(world.member))
    member.goto(f"{live_server.url}/me/requests/new/access/")
    assert "6.50 USD" in member.locator("#fee").inner_text()
    member.fill("input[name=signed_name]", "Pat Member")
    member.check("input[name=consent]")
    member.check("input[name=accept_fee]")
    member.screenshot(path=str(shots / "copy-1-ask.png"), full_page=True)
    with member.expect_navigation():
        member.click("button:has-text('Sign and send')")
    request_url = member.url

    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(office, live_server.url, address_of(officer))
    office.goto(request_url.replace("/me/requests/", "/office/requests/"))
    with office.expect_navigation():
        office.click("#start-review")
    office.check("input[name=outcome][value=fulfilled]")
    with office.expect_navigation():
        office.click("#conclude")

    member.goto(request_url)
    member.screenshot(path=str(shots / "copy-2-ready.png"), full_page=True)
    with member.expect_download() as pdf:
        member.click("#copy a:has-text('PDF')")
    assert "Chest pain" in pdf_text(Path(pdf.value.path()).read_bytes())
    with member.expect_download() as bundle:
        member.click("#copy a:has-text('FHIR')")
    assert json.loads(Path(bundle.value.path()).read_bytes())["resourceType"] == "Bundle"
