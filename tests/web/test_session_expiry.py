"""SEC-1: a session ends after a while without activity and after a fixed time from sign-in,
sooner for people who see patients; changing the password ends the account's other sessions."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from indigomed.accounts import sessions
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

START = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch):
    """A clock that moves only when the test says so."""
    at = [START]
    monkeypatch.setattr(sessions, "now", lambda: at[0])

    def advance(seconds: float) -> None:
        at[0] += seconds

    return advance


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/me/" if hasattr(user, "member") else "/connect/").status_code == 200
    return client


def test_a_member_is_signed_out_after_the_idle_limit_but_not_before(world, clock) -> None:
    """SEC-1"""
    idle = settings.SESSION_LIMITS["member"]["IDLE_SECONDS"]
    client = signed_in(world.member)
    clock(idle - 1)
    assert client.get("/me/").status_code == 200
    clock(idle + 1)
    refused = client.get("/me/")
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/login/")
    assert client.get("/me/").status_code == 302, "the session stays ended"


def test_activity_keeps_a_session_alive_until_the_absolute_limit(world, clock) -> None:
    """SEC-1"""
    limits = settings.SESSION_LIMITS["member"]
    client = signed_in(world.member)
    step = limits["IDLE_SECONDS"] - 120
    for _ in range(limits["ABSOLUTE_SECONDS"] // step):
        clock(step)
        assert client.get("/me/").status_code == 200
    clock(step)
    assert client.get("/me/").status_code == 302


def test_a_practitioner_is_signed_out_sooner_than_a_member(world, clock) -> None:
    """SEC-1"""
    staff_idle = settings.SESSION_LIMITS["staff"]["IDLE_SECONDS"]
    assert staff_idle < settings.SESSION_LIMITS["member"]["IDLE_SECONDS"]
    member = signed_in(world.member)
    doctor = signed_in(world.doctor_user)
    clock(staff_idle + 1)
    assert member.get("/me/").status_code == 200
    assert doctor.get("/connect/").status_code == 302


def test_an_api_call_after_the_limit_is_refused(world, clock, member_client) -> None:
    """SEC-1"""
    assert member_client.get("/api/appointments").status_code == 200
    clock(settings.SESSION_LIMITS["member"]["IDLE_SECONDS"] + 1)
    assert member_client.get("/api/appointments").status_code == 401


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(world) -> None:
    """SEC-1"""
    world.member.set_password(PASSWORD)
    world.member.save()
    here, elsewhere = signed_in(world.member), signed_in(world.member)
    new_password = "a-new-and-long-passphrase-for-me"
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert here.get("/me/").status_code == 200
    assert elsewhere.get("/me/").status_code == 302
