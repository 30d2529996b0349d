"""In Chromium, at a phone's and a laptop's width: the HCF admin gives a practitioner a visit type
and weekly hours, and no Partners page needs horizontal scrolling."""

from __future__ import annotations

import pytest

from indigomed.directory.models import FacilityStaff
from indigomed.scheduling.models import AvailabilityRule, VisitType
from tests.browser.pages import sign_in
from tests.conftest import address_of, make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_the_admin_sets_up_a_calendar_and_every_page_fits_the_screen(
    browser,
    transactional_db,
    world,
    live_server,
    test_output,
    width,
    height,
) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    admin = make_user("nora.admin@example.test")
    FacilityStaff.objects.create(user=admin, facility=world.ny_clinic, role="admin")
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, live_server.url, address_of(admin))
    base = f"{live_server.url}/partners/{world.ny_clinic.pk}"
    doctor = f"{base}/practitioners/{world.skin_role.pk}/"

    page.goto(doctor)
    page.click("summary:has-text('Add a visit type')")
    page.fill("input[name=name]", "Skin check")
    page.fill("input[name=duration_minutes]", "20")
    page.select_option("select[name=patients]", "new")
    page.check("input[name=reasons][value=acne]")
    with page.expect_navigation():
        page.click("button:has-text('Add the visit type')")
    assert page.locator("text=Visit type added").is_visible()
    visit = VisitType.objects.get(role=world.skin_role, name="Skin check")
    page.select_option("select[name=weekday]", "3")
    page.fill("input[name=start_time]", "14:00")
    page.fill("input[name=end_time]", "13:00")
    page.select_option("select[name=visit_type]", str(visit.pk))
    with page.expect_navigation():
        page.click("button:has-text('Add the hours')")
    refusal = page.locator(".field.invalid .field-error")
    assert "end before they start" in refusal.inner_text()
    page.screenshot(path=str(shots / f"partners-refused-{width}.png"), full_page=True)
    page.fill("input[name=end_time]", "17:00")
    with page.expect_navigation():
        page.click("button:has-text('Add the hours')")
    assert AvailabilityRule.objects.filter(role=world.skin_role, visit_type=visit, weekday=3).exists()

    for name, url in {
        "overview": f"{base}/",
        "practitioners": f"{base}/practitioners/?q=hart",
        "practitioner": doctor,
        "staff": f"{base}/staff/",
        "plans": f"{base}/plans",
        "rules": f"{base}/booking-rules",
        "profile": f"{base}/profile",
    }.items():
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=str(shots / f"partners-{name}-{width}.png"), full_page=True)
