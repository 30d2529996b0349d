"""The demo shows the desk: the demo member's requests in several states, an overdue one for the officer."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from indigomed.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
from indigomed.rights.models import Request


@pytest.mark.django_db
def test_the_demo_member_has_requests_in_several_states_and_the_officer_an_overdue_one() -> None:
    call_command("seed_demo", practitioners=42)
    member = Client()
    assert (
        member.post("/accounts/login/", {"login": DEMO_LOGINS[0].email, "password": DEMO_PASSWORD}).status_code == 302
    )
    page = member.get("/me/requests/").content.decode()
    for state in ("Fulfilled", "In review", "Received"):
        assert state in page
    fulfilled = Request.objects.get(kind="accounting", state="fulfilled")
    assert len(member.get(f"/api/me/requests/{fulfilled.public_id}/accounting.json").json()["disclosures"]) == 1
    office = Client()
    assert (
        office.post("/accounts/login/", {"login": DEMO_LOGINS[4].email, "password": DEMO_PASSWORD}).status_code == 302
    )
    desk = office.get("/api/office/requests").json()
    assert [r["kind"] for r in desk["overdue"]] == ["amendment"]
    assert desk["overdue"][0]["officer"] is not None
