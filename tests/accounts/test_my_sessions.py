"""SEC-1: a member sees the browsers they are signed in on and ends any or all of the others."""

from __future__ import annotations

import pytest
from django.test import Client

from indigomed.accounts.models import SignedInSession
from indigomed.accounts.sessions import browser_summary, network_of
from indigomed.security.models import AuditEvent
from tests.conftest import PASSWORD, address_of

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def signed_in_with_password(user, agent: str, address: str) -> Client:
    if not user.check_password(PASSWORD):
        # Once only: a new password hash would sign out the sessions opened before.
        user.set_password(PASSWORD)
        user.save()
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"login": address_of(user), "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_the_page_lists_each_browser_without_the_full_address(world) -> None:
    """SEC-1"""
    laptop = signed_in_with_password(world.member, FIREFOX, "203.0.113.57")
    signed_in_with_password(world.member, IPHONE, "2001:db8:1234:5678::9")
    page = laptop.get("/me/sessions/").content.decode()
    assert "<strong>Firefox on Windows</strong> (this browser)" in page
    assert "Safari on iPhone" in page
    assert "203.0.113.0/24" in page and "203.0.113.57" not in page
    assert "2001:db8:1234::/48" in page
    assert not SignedInSession.objects.filter(network__contains="203.0.113.57").exists()


def test_ending_one_other_session_signs_that_browser_out_only(world) -> None:
    """SEC-1"""
    laptop = signed_in_with_password(world.member, FIREFOX, "203.0.113.57")
    phone = signed_in_with_password(world.member, IPHONE, "198.51.100.4")
    phone_key = phone.session.session_key
    laptop.post("/me/sessions/", {"session": phone_key})
    assert phone.get("/me/").status_code == 302
    assert laptop.get("/me/").status_code == 200
    assert AuditEvent.objects.filter(action="account.sessions_ended").count() == 1


def test_ending_all_others_keeps_this_one(world) -> None:
    """SEC-1"""
    here = signed_in_with_password(world.member, FIREFOX, "203.0.113.57")
    others = [signed_in_with_password(world.member, IPHONE, "198.51.100.4") for _ in range(2)]
    here.post("/me/sessions/", {"all": "1"})
    assert all(other.get("/me/").status_code == 302 for other in others)
    assert here.get("/me/").status_code == 200


def test_another_persons_session_or_a_made_up_key_ends_nothing(world) -> None:
    """SEC-1"""
    stranger = signed_in_with_password(world.outsider, FIREFOX, "203.0.113.57")
    member = signed_in_with_password(world.member, IPHONE, "198.51.100.4")
    for key in (stranger.session.session_key, "x" * 5000, ""):
        assert member.post("/me/sessions/", {"session": key}).status_code == 302
    assert stranger.get("/me/sessions/").status_code == 200
    assert not AuditEvent.objects.filter(action="account.sessions_ended").exists()


def test_summaries_name_a_device_without_fingerprinting_it() -> None:
    assert browser_summary(FIREFOX) == "Firefox on Windows"
    assert browser_summary("") == "A browser on an unknown system"
    assert network_of("not an address") == ""


def test_a_session_given_a_new_key_stays_listed_and_can_be_ended(world) -> None:
    """SEC-1: when a session's key is renewed (as after a password change), its record follows it."""
    from indigomed.accounts.session_store import SessionStore

    laptop = signed_in_with_password(world.member, FIREFOX, "203.0.113.57")
    store = SessionStore(laptop.cookies["sessionid"].value)
    store.load()
    old = store.session_key
    store.cycle_key()
    assert store.session_key != old
    assert SignedInSession.objects.filter(session_key=store.session_key, user=world.member).exists()
    assert not SignedInSession.objects.filter(session_key=old).exists()
    laptop.cookies["sessionid"] = store.session_key
    assert "(this browser)" in laptop.get("/me/sessions/").content.decode()


def test_signing_in_over_another_persons_session_records_the_new_sign_in(world) -> None:
    """SEC-1: a browser signed in as one person and then as another lists the second sign-in."""
    from django.contrib.auth import login
    from django.test import RequestFactory

    from indigomed.accounts.session_store import SessionStore

    shared = signed_in_with_password(world.member, FIREFOX, "203.0.113.57")
    request = RequestFactory(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.57").get("/")
    request.session = SessionStore(shared.cookies["sessionid"].value)
    request.user = world.member
    login(request, world.other_member, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    key = request.session.session_key
    assert key and key != shared.cookies["sessionid"].value
    assert SignedInSession.objects.filter(session_key=key, user=world.other_member).exists()
