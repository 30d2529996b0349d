"""SEC-1: pages and API answers that show personal information are never stored by a cache, the
browser features the site never uses are turned off, and no server version is announced."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from indigomed.accounts.models import PrivacyOfficer
from indigomed.scheduling.services import book_appointment
from tests.scheduling.helpers import open_slot

pytestmark = pytest.mark.django_db


def assert_private(response) -> None:
    assert response.status_code == 200, response.status_code
    assert response["Cache-Control"] == "no-store"
    assert "camera=()" in response["Permissions-Policy"]
    assert not re.search(r"\d", response.get("Server", "")), "no version in Server"
    assert "WSGIServer" not in response.get("Server", "")


def test_a_members_pages_and_api_answers_are_not_stored(world, member_client) -> None:
    """SEC-1"""
    slot = open_slot(world.heart_role)
    booked = book_appointment(actor=world.member, slot_id=slot.pk, visit_reason="chest-pain", insurance_plan=None)
    for path in (
        "/me/",
        "/me/privacy/",
        "/appointments/",
        f"/appointments/{booked.public_id}/",
        f"/appointments/{booked.public_id}/calendar.ics",
        "/api/appointments",
        f"/api/appointments/{booked.public_id}/ics",
        "/accounts/email/",
        "/accounts/password/change/",
    ):
        assert_private(member_client.get(path))


def test_connect_and_the_privacy_office_are_not_stored(world) -> None:
    """SEC-1"""
    doctor = Client()
    doctor.force_login(world.doctor_user)
    assert_private(doctor.get("/connect/"))
    assert_private(doctor.get("/api/connect/calendar"))
    PrivacyOfficer.objects.create(user=world.outsider)
    officer = Client()
    officer.force_login(world.outsider)
    assert_private(officer.get("/office/"))


def test_anonymous_pages_carry_the_same_headers(world) -> None:
    """SEC-1"""
    assert_private(Client().get("/"))
    assert_private(Client().get("/accounts/login/"))
    assert_private(Client().get("/api/search", {"postal_code": "10016"}))


def test_static_files_keep_their_own_caching() -> None:
    response = Client().get("/static/indigomed/site.css")
    assert response.status_code == 200
    assert response.get("Cache-Control") != "no-store"
    assert response["Server"] == "IndigoMed"
