"""In a real browser, one journey (RIGHT-ACCOUNT, RIGHT-ACCESS): a member asks for an accounting of
disclosures and for a copy of their records; an officer fulfils both from the desk; the member
downloads the accounting as PDF, CSV and JSON and the copy as FHIR JSON and PDF."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer
from indigomed.rights.models import Request
from tests.browser.pages import sign_in
from tests.conftest import address_of, make_user
from tests.interop.conftest import booking, pdf_text
from tests.privacy.conftest import ask, court

pytestmark = pytest.mark.browser


def fulfil(office, url: str) -> None:
    office.goto(url)
    with office.expect_navigation():
        office.click("#start-review")
    office.check("input[name=outcome][value=fulfilled]")
    with office.expect_navigation():
        office.click("#conclude")
    assert "Answered; the member is told." in office.inner_text("main")


def test_a_member_gets_an_accounting_and_a_copy_fulfilled_and_downloads_both(
    browser, transactional_db, ledger_rows_removed_after, world, live_server, test_output
) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    officer = make_user("journey.officer@example.test")
    PrivacyOfficer.objects.create(user=officer)
    booking(world.member, world.heart_role, days_ago=12, reason="Chest pain")
    at = timezone.now() - dt.timedelta(days=365)
    ask(world.member, court(world.member), "required_by_law", {"medical"}, ref="visit:1", at=at)

    member = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True).new_page()
    sign_in(member, live_server.url, address_of(world.member))
    member.goto(f"{live_server.url}/me/requests/")
    with member.expect_navigation():
        member.click("a:has-text('An accounting of disclosures')")
    assert "This accounting is free" in member.inner_text("#fee")
    today = timezone.localdate()
    member.fill("input[name=asked_from]", (today - dt.timedelta(days=365 * 3)).isoformat())
    member.fill("input[name=asked_until]", (today - dt.timedelta(days=1)).isoformat())
    member.fill("input[name=signed_name]", "Pat Member")
    member.check("input[name=consent]")
    with member.expect_navigation():
        member.click("button:has-text('Sign and send')")
    accounting_url = member.url

    member.goto(f"{live_server.url}/me/requests/new/access/")
    assert "USD" in member.locator("#fee").inner_text()
    member.fill("input[name=signed_name]", "Pat Member")
    member.check("input[name=consent]")
    member.check("input[name=accept_fee]")
    with member.expect_navigation():
        member.click("button:has-text('Sign and send')")
    copy_url = member.url
    assert Request.objects.filter(member=world.member).count() == 2

    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(office, live_server.url, address_of(officer))
    office.goto(f"{live_server.url}/office/requests/")
    board = office.inner_text("main")
    for request in Request.objects.filter(member=world.member):
        assert str(request.public_id)[:8] in board
    office.screenshot(path=str(shots / "journey-1-desk.png"), full_page=True)
    fulfil(office, accounting_url.replace("/me/requests/", "/office/requests/"))
    fulfil(office, copy_url.replace("/me/requests/", "/office/requests/"))

    member.goto(accounting_url)
    assert member.inner_text("#state") == "Fulfilled"
    with member.expect_download() as pdf:
        member.click("#downloads a:has-text('PDF')")
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
    with member.expect_download() as as_csv:
        member.click("#downloads a:has-text('CSV')")
    rows = Path(as_csv.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and "Superior Court, County of Example" in rows[1]
    with member.expect_download() as as_json:
        member.click("#downloads a:has-text('JSON')")
    assert len(json.loads(Path(as_json.value.path()).read_bytes())["disclosures"]) == 1
    member.screenshot(path=str(shots / "journey-2-accounting-phone.png"), full_page=True)

    member.goto(copy_url)
    assert member.inner_text("#state") == "Fulfilled"
    with member.expect_download() as copy_pdf:
        member.click("#copy a:has-text('PDF')")
    assert "Chest pain" in pdf_text(Path(copy_pdf.value.path()).read_bytes())
    with member.expect_download() as bundle:
        member.click("#copy a:has-text('FHIR')")
    fhir = json.loads(Path(bundle.value.path()).read_bytes())
    assert fhir["resourceType"] == "Bundle"
    assert "Appointment" in {e["resource"]["resourceType"] for e in fhir["entry"]}
    member.screenshot(path=str(shots / "journey-3-copy-phone.png"), full_page=True)
