"""RIGHT-AMEND in the demo: the demo member's denied amendment, with their statement of
disagreement and the office's rebuttal, is beside the reason the demo practitioner sees."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from indigomed.demo.seed import DEMO_LOGINS, DEMO_PASSWORD


def signed_in(email: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD}).status_code == 302
    return client


@pytest.mark.django_db
def test_the_demo_practitioner_sees_the_members_statement_beside_the_reason() -> None:
    call_command("seed_demo", practitioners=42)
    member, doctor = DEMO_LOGINS[0].email, DEMO_LOGINS[1].email
    client = signed_in(doctor)
    today = dt.datetime.now(ZoneInfo("America/New_York")).date()
    rows = [
        row
        for week in (0, 7)
        for row in client.get(
            "/api/connect/calendar", {"day": (today + dt.timedelta(days=week)).isoformat(), "days": 7}
        ).json()
    ]
    [disputed] = [row for row in rows if row["disputes"]]
    assert disputed["patient"] == "Jordan Demo" and disputed["visit_reason"]
    [dispute] = disputed["disputes"]
    assert dispute["field"] == "reason" and "not why I am coming" in dispute["statement"] and dispute["rebuttal"]
    page = client.get("/connect/", {"day": disputed["starts_at"][:10], "view": "week"}).content.decode()
    assert dispute["statement"] in page
    mine = signed_in(member).get("/me/amendments/").content.decode()
    assert "Denied" in mine and dispute["statement"] in mine and dispute["rebuttal"] in mine
