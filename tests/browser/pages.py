"""Steps the browser tests share."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD


def sign_in(page: Any, base: str, address: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", address)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Sign In')")
