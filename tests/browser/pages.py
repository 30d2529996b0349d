"""Steps the browser tests share."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.conftest import PASSWORD

# The authenticator apps sign_in added, by address, and the codes it typed: a code works once.
APPS: dict[str, str] = {}
TYPED: set[tuple[str, str]] = set()


def sign_in(page: Any, base: str, address: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", address)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Sign In')")
    # SEC-1: staff pass a second step, adding an authenticator app the first time.
    if "/accounts/2fa/authenticate/" in page.url:
        _submit(page, "input[name=code]", _code(APPS[address]))
    elif _needs_second_factor(address):
        _add_authenticator_app(page, base, address, password)


def _needs_second_factor(address: str) -> bool:
    from indigomed.accounts.models import User
    from indigomed.accounts.roles import load_actor
    from indigomed.accounts.second_factor import must_use_second_factor
    from indigomed.records.sign_in import sign_in_key

    user = User.objects.filter(email=sign_in_key(address)).first()
    return user is not None and must_use_second_factor(load_actor(user))


def _add_authenticator_app(page: Any, base: str, address: str, password: str) -> None:
    """From the account's own page, as a person would: confirm the password, copy the secret into
    the app (here: keep it), type the app's code."""
    page.goto(f"{base}/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        _submit(page, "input[name=password]", password)
    APPS[address] = page.input_value("#authenticator_secret")
    _submit(page, "input[name=code]", _code(APPS[address]))
    assert "/accounts/2fa/totp/activate/" not in page.url, "the authenticator app was not added"


def _code(secret: str) -> str:
    """A code the app shows now that was not typed yet (this step's, the next or the last one's)."""
    now = int(time.time()) // 30
    for step in (0, 1, -1):
        code = format_hotp_value(hotp_value(secret, now + step))
        if (secret, code) not in TYPED:
            TYPED.add((secret, code))
            return code
    raise AssertionError("every code of this minute was typed already")


def _submit(page: Any, field: str, value: str) -> None:
    page.fill(field, value)
    with page.expect_navigation():
        page.press(field, "Enter")
