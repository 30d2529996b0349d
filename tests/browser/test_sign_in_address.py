"""The address a member signs in with, in a real browser: sign up, confirm, sign in, change it
(confirming the password, then the new address), and sign in with the new one. The accounts
tables hold only keys throughout; what the pages show is the member's own address."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from indigomed.accounts.models import User
from indigomed.records.sign_in import sign_in_key
from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long passphrase for the browser"
LINK = re.compile(r"http://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


def last_link() -> str:
    found = LINK.search(mail.outbox[-1].body)
    assert found is not None
    return found.group(1)


def test_sign_up_confirm_and_change_the_sign_in_address(browser, transactional_db, live_server, test_output) -> None:
    shots = test_output / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    submit = "main button[type=submit]:not(.link)"

    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=full_name]", "Robin Example")
    page.fill("input[name=email]", "Robin.Example@example.test")
    page.fill("input[name=date_of_birth]", "1990-04-27")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click(submit)
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert mail.outbox[-1].to == ["robin.example@example.test"]

    page.goto(f"{live_server.url}{last_link()}")
    assert "sealed.invalid" not in page.content()
    with page.expect_navigation():
        page.click(submit)

    sign_in(page, live_server.url, "robin.example@example.test", PASSWORD)
    page.goto(f"{live_server.url}/me/")
    assert page.locator("text=robin.example@example.test").first.is_visible()

    page.click("a:has-text('Change')")
    page.wait_for_url(re.compile(r"/accounts/email/"))
    page.fill("input[name=email]", "robin.new@example.test")
    page.click("button[name=action_add]")
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("input[name=password]", PASSWORD)
    page.click(submit)
    page.wait_for_url(re.compile(r"/accounts/email/"))
    assert page.locator("input#new_email").input_value() == "robin.new@example.test"
    assert page.locator("input#current_email").input_value() == "robin.example@example.test"
    page.screenshot(path=str(shots / "9-change-address.png"), full_page=True)
    assert mail.outbox[-1].to == ["robin.new@example.test"]

    page.goto(f"{live_server.url}{last_link()}")
    with page.expect_navigation():
        page.click(submit)
    page.goto(f"{live_server.url}/me/")
    assert page.locator("text=robin.new@example.test").first.is_visible()
    assert User.objects.get().email == sign_in_key("robin.new@example.test")

    with page.expect_navigation():
        page.click("button:has-text('Sign out')")
    sign_in(page, live_server.url, "robin.new@example.test", PASSWORD)
    page.goto(f"{live_server.url}/me/")
    assert page.locator("text=robin.new@example.test").first.is_visible()
    context.close()
