"""COOKIE-1: "Remember me" keeps a member signed in for a set time (REMEMBER_ME_SECONDS) without any
cookie holding a password or a secret beyond the session's own id; staff are never remembered."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from indigomed.accounts import sessions
from tests.conftest import PASSWORD, address_of

pytestmark = pytest.mark.django_db

START = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch):
    at = [START]
    monkeypatch.setattr(sessions, "now", lambda: at[0])

    def advance(seconds: float) -> None:
        at[0] += seconds

    return advance


def sign_in(user, *, remember: bool) -> tuple[Client, object]:
    client = Client()
    form = {"login": address_of(user), "password": PASSWORD}
    if remember:
        form["remember"] = "on"
    answer = client.post("/accounts/login/", form)
    assert answer.status_code == 302, answer.content[:300]
    return client, answer


def test_a_remembered_member_stays_signed_in_for_the_set_time_and_no_longer(world, clock) -> None:
    """COOKIE-1"""
    client, answer = sign_in(world.member, remember=True)
    cookie = answer.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.REMEMBER_ME_SECONDS, "the cookie outlives the browser"
    member_idle = settings.SESSION_LIMITS["member"]["IDLE_SECONDS"]
    clock(member_idle * 4)
    assert client.get("/me/").status_code == 200, "idle for hours, still signed in"
    clock(settings.SESSION_LIMITS["member"]["ABSOLUTE_SECONDS"])
    assert client.get("/me/").status_code == 200, "past the ordinary 12 hours too"
    clock(settings.REMEMBER_ME_SECONDS)
    assert client.get("/me/").status_code == 302, "then signed out"


def test_a_member_who_is_not_remembered_keeps_the_ordinary_limits(world, clock) -> None:
    """COOKIE-1"""
    client, answer = sign_in(world.member, remember=False)
    assert not answer.cookies[settings.SESSION_COOKIE_NAME]["max-age"], "the cookie ends with the browser"
    clock(settings.SESSION_LIMITS["member"]["IDLE_SECONDS"] + 1)
    assert client.get("/me/").status_code == 302


def test_staff_are_never_remembered(world, clock) -> None:
    """COOKIE-1: practitioners, front desks and the privacy office keep their short limits."""
    client, _ = sign_in(world.doctor_user, remember=True)
    answer = client.get("/connect/")
    assert answer.status_code == 200
    assert not answer.cookies[settings.SESSION_COOKIE_NAME]["max-age"], "turned back into a browser session"
    clock(settings.SESSION_LIMITS["staff"]["IDLE_SECONDS"] + 1)
    assert client.get("/connect/").status_code == 302


def test_no_cookie_holds_the_password_or_outlives_signing_out(world) -> None:
    """COOKIE-1: the only thing remembered is the session's random id, useless once signed out."""
    client, answer = sign_in(world.member, remember=True)
    for morsel in answer.cookies.values():
        assert PASSWORD not in morsel.value and address_of(world.member) not in morsel.value
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.session.session_key == session_id
    client.post("/accounts/logout/")
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = session_id
    assert stolen.get("/me/").status_code == 302
