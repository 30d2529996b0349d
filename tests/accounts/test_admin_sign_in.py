"""SEC-1: the admin has no sign-in form of its own; it signs in through the site's, with its limits."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from indigomed.accounts.models import PrivacyOfficer, User
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
OFFICER = "privacy.officer@example.test"


@pytest.fixture
def officer() -> User:
    user = make_user(OFFICER)
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    PrivacyOfficer.objects.create(user=user)
    return user


def test_the_admin_sign_in_form_checks_no_password(officer) -> None:
    """SEC-1"""
    client = Client()
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/?next=")
    posted = client.post("/admin/login/", {"username": OFFICER, "password": PASSWORD})
    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_31st_admin_sign_in_is_refused_even_with_the_right_password(officer) -> None:
    """SEC-1: 30 wrong passwords lock the account out, as on every sign-in; the office stays closed."""
    client = Client()
    login_page = client.get("/admin/login/?next=/admin/", follow=True).redirect_chain[-1][0]
    for attempt in range(30):
        client.post(login_page, {"login": OFFICER, "password": f"wrong guess number {attempt}"})
    last = client.post(login_page, {"login": OFFICER, "password": PASSWORD})
    assert last.status_code == 429
    assert "Too many attempts" in last.content.decode()
    # From another address the account itself is locked out, whatever the password.
    elsewhere = client.post(login_page, {"login": OFFICER, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 200
    assert "Too many failed login attempts" in elsewhere.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get("/office/").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_signed_in_through_the_site_the_officer_reaches_the_admin(officer) -> None:
    client = Client()
    signed_in = client.post("/accounts/login/?next=/admin/", {"login": OFFICER, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/?next=/admin/accounts/user/")["Location"] == "/admin/accounts/user/"


def test_a_member_signed_in_is_refused_the_admin_and_its_password_form(world, member_client) -> None:
    assert member_client.get("/admin/login/").status_code == 403
    assert member_client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 403
