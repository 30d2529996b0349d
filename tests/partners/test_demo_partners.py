"""The demo shows Partners: the demo facility's HCF admin signs in with the printed log-in and sees
a booking made before a change of hours, listed to move."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from indigomed.demo.seed import DEMO_LOGINS

ADMIN = next(login for login in DEMO_LOGINS if "Partners" in login.role)


@pytest.mark.django_db
def test_the_demo_admin_signs_in_and_sees_a_booking_to_move() -> None:
    call_command("seed_demo", practitioners=42)
    client = Client()
    assert client.post("/accounts/login/", {"login": ADMIN.email, "password": ADMIN.password}).status_code == 302
    home = client.get("/partners/")
    assert home.status_code == 302
    overview = client.get(home["Location"])
    page = overview.content.decode()
    assert overview.status_code == 200
    assert "Bookings to move (" in page and "outside the weekly hours now set" in page
    assert '<a href="/partners/">Partners</a>' in page
