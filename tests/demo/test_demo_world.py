"""Section 12: the newcomer's demo world loads, and every printed sign-in works."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from indigomed.accounts.models import User
from indigomed.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
from indigomed.directory.models import Facility, InsurancePlan
from indigomed.privacy.models import Restriction
from indigomed.records.queries import visit_history_for
from indigomed.records.sign_in import sign_in_key
from indigomed.rights.restriction import decide
from indigomed.scheduling.models import Appointment


@pytest.mark.django_db
def test_the_demo_world_loads_once_and_every_demo_sign_in_works(capsys) -> None:
    call_command("seed_demo", practitioners=42)
    call_command("seed_demo", practitioners=42)
    assert "already loaded" in capsys.readouterr().out
    assert set(Facility.objects.values_list("country", flat=True)) == {"US", "FR"}
    assert {"FL", "OH", "NY"} <= set(Facility.objects.values_list("region", flat=True))
    assert InsurancePlan.objects.count() >= 10
    for login in DEMO_LOGINS:
        client = Client()
        response = client.post("/accounts/login/", {"login": login.email, "password": login.password})
        assert response.status_code == 302, login.role
    assert Appointment.objects.filter(member__email=sign_in_key(DEMO_LOGINS[0].email), status="booked").exists()
    member = Appointment.objects.filter(member__email=sign_in_key(DEMO_LOGINS[0].email)).first().member
    assert visit_history_for(member.pk)
    assert Restriction.objects.filter(status="requested").exists(), "the privacy office has something to decide"
    body = Client().get("/api/search", {"postal_code": "10016", "radius_km": 30}).json()
    assert body["results"] and body["results"][0]["next_slots"]


def connect_rows(email: str) -> dict[str, dict]:
    """The demo practice's patients over the next two weeks, by name, as the signed-in user sees them."""
    client = Client()
    assert client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD}).status_code == 302
    today = dt.datetime.now(ZoneInfo("America/New_York")).date()
    rows: dict[str, dict] = {}
    for week in (0, 7):
        day = (today + dt.timedelta(days=week)).isoformat()
        for row in client.get("/api/connect/calendar", {"day": day, "days": 7}).json():
            rows[row["patient"]] = row
    return rows


@pytest.mark.django_db
def test_the_demo_practitioners_calendar_shows_a_withheld_reason_a_consented_one_and_the_ohio_restriction() -> None:
    """USE-5, RIGHT-RESTRICT: the README's stories are on screen for whoever signs in."""
    call_command("seed_demo", practitioners=42)
    doctor, desk, office = (login.email for login in (DEMO_LOGINS[1], DEMO_LOGINS[2], DEMO_LOGINS[4]))
    seen = connect_rows(doctor)
    # A Florida member booked for anxiety without consenting: the reason is withheld, and why.
    assert seen["Morgan Example"]["visit_reason"] is None
    assert "Florida law requires the member's consent" in seen["Morgan Example"]["withheld"][0]
    # An Ohio member consented while booking: the practitioner sees the reason.
    assert seen["Casey Placeholder"]["visit_reason"] == "Depression"
    # The Ohio member who asked to keep their insurance from the practitioner booked with a plan.
    assert seen["Riley Sample"]["insurance"] is not None
    # The front desk sees who comes, when, for what visit and how they pay; never why.
    at_desk = connect_rows(desk)
    assert set(at_desk) == set(seen)
    assert all(row["visit_reason"] is None and row["withheld"] == [] for row in at_desk.values())
    assert at_desk["Riley Sample"]["insurance"] == seen["Riley Sample"]["insurance"]
    # Once the office accepts the restriction, the plan leaves the practitioner's calendar.
    officer = User.objects.get(email=sign_in_key(office))
    decide(officer=officer, public_id=str(Restriction.objects.get().public_id), accept=True)
    riley = connect_rows(doctor)["Riley Sample"]
    assert riley["insurance"] is None
    assert riley["withheld"] == ["Insurance: The member restricted this use or disclosure."]
