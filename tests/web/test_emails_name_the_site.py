"""Account e-mails name the site, IndigoMed, and link to its configured address (SITE_URL), whatever
host name the request that caused them came in with."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.accounts.test_signup import sign_up, years_ago
from tests.conftest import make_user

SITE = "https://care.example.test"
# The host name a request may carry: the demo's address, or one a forger put in the Host header.
OTHER_HOST = "localhost:8000"


@pytest.fixture
def site(settings) -> str:
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["localhost"]
    return SITE


def assert_names_the_site(body: str) -> None:
    assert "Hello from IndigoMed" in body
    assert body.rstrip().endswith(f"IndigoMed\n{SITE}")
    assert "localhost" not in body and "127.0.0.1" not in body and "example.com" not in body


@pytest.mark.django_db
def test_the_sign_up_confirmation_names_indigomed_and_links_to_the_site(site) -> None:
    sign_up(Client(HTTP_HOST=OTHER_HOST), "new.person@example.test", years_ago(30).isoformat())
    [confirmation] = mail.outbox
    assert_names_the_site(confirmation.body)
    assert f"{SITE}/accounts/confirm-email/" in confirmation.body
    assert confirmation.subject.startswith("IndigoMed: ")


@pytest.mark.django_db
def test_a_password_reset_link_points_at_the_site_not_at_the_host_it_was_asked_from(site) -> None:
    make_user("front.desk@example.test")
    Client(HTTP_HOST=OTHER_HOST).post("/accounts/password/reset/", {"email": "front.desk@example.test"})
    [reset] = mail.outbox
    assert_names_the_site(reset.body)
    assert f"{SITE}/accounts/password/reset/key/" in reset.body


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_offers_the_sites_own_sign_up(site) -> None:
    Client(HTTP_HOST=OTHER_HOST).post("/accounts/password/reset/", {"email": "nobody@example.test"})
    [told] = mail.outbox
    assert_names_the_site(told.body)
    assert f"{SITE}/accounts/signup/" in told.body
