"""Section 12: the newcomer's demo world loads, and every printed sign-in works."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from indigomed.demo.seed import DEMO_LOGINS
from indigomed.directory.models import Facility, InsurancePlan
from indigomed.privacy.models import Restriction
from indigomed.records.queries import visit_history_for
from indigomed.records.sign_in import sign_in_key
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
