"""In a real browser: the practitioner runs the day, the member restricts, the privacy office decides."""

from __future__ import annotations

import re

import pytest

from indigomed.privacy.models import Restriction
from indigomed.scheduling.services import book_appointment
from tests.browser.pages import sign_in
from tests.conftest import address_of, make_user
from tests.scheduling.helpers import open_slot

pytestmark = pytest.mark.browser


def test_a_practice_day_and_a_restriction_through_the_privacy_office(
    browser, transactional_db, ledger_rows_removed_after, world, live_server, test_output
) -> None:
    from indigomed.accounts.models import PrivacyOfficer

    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    officer = make_user("office@example.test")
    PrivacyOfficer.objects.create(user=officer)
    booked = book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )
    day = booked.starts_at.date().isoformat()

    member = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(member, live_server.url, address_of(world.member))
    member.goto(f"{live_server.url}/me/privacy/")
    member.check("input[name=categories][value=insurance]")
    member.fill("input[name=signed_name]", "Pat Member")
    member.check("input[name=explicit_consent]")
    with member.expect_navigation():
        member.click("button:has-text('Sign and send to the privacy office')")
    assert member.locator("text=it binds once accepted").is_visible()

    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(office, live_server.url, address_of(officer))
    office.goto(f"{live_server.url}/office/")
    office.screenshot(path=str(shots / "7-privacy-office.png"), full_page=True)
    with office.expect_navigation():
        office.click("button[name=decision][value=accept]")
    assert Restriction.objects.get().status == "accepted"

    doctor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(doctor, live_server.url, address_of(world.doctor_user))
    doctor.goto(f"{live_server.url}/connect/?day={day}")
    row = doctor.locator(f"tr[data-appointment='{booked.public_id}']")
    assert "Pat Member" in row.inner_text() and "Chest pain" in row.inner_text()
    assert "Aetna" not in row.inner_text() and "restricted" in row.inner_text()
    doctor.screenshot(path=str(shots / "8-connect-withheld.png"), full_page=True)
    row.locator("select[name=status]").select_option("completed")
    with doctor.expect_navigation():
        row.locator("button:has-text('Save')").click()
    assert re.search(r"Marked completed", doctor.content())
