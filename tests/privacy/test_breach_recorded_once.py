"""SEC-3: the office's form pressed twice records one incident and one report, and says so; the
members of one incident are told once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from indigomed.security.models import AuditEvent, Incident, IncidentReport
from tests.privacy.conftest import people  # noqa: F401 - the privacy office's personas

LOCAL = "%Y-%m-%dT%H:%M"
D = dt.timedelta(days=1)


def the_form(now: dt.datetime) -> dict[str, object]:
    return {
        "summary_en": "A laptop holding an export of contact details was stolen.",
        "summary_fr": "Un ordinateur portable contenant un export de coordonnées a été volé.",
        "systems": "support laptop",
        "categories": ["contact"],
        "occurred_from": f"{now - 10 * D:{LOCAL}}",
        "occurred_until": f"{now:{LOCAL}}",
        "discovered_at": f"{now - 4 * D:{LOCAL}}",
        "scope": "platform",
    }


@pytest.fixture
def office(people) -> Client:  # noqa: F811
    client = Client()
    client.force_login(people.officer)
    get_user_model().objects.update(date_joined=timezone.now() - 30 * D)
    return client


def test_recording_the_same_incident_twice_records_it_once_and_says_so(office) -> None:
    form = the_form(timezone.now())
    first = office.post("/office/incidents/", form)
    assert first.status_code == 302
    again = office.post("/office/incidents/", form)
    assert again.status_code == 409
    assert "already recorded" in again.content.decode()
    assert Incident.objects.count() == 1
    assert AuditEvent.objects.filter(action="incident.recorded").count() == 1
    # A second incident that differs in anything (here, when it was found) is its own.
    other = office.post("/office/incidents/", form | {"discovered_at": f"{timezone.now() - 3 * D:{LOCAL}}"})
    assert other.status_code == 302 and Incident.objects.count() == 2


def test_recording_the_same_report_twice_keeps_one(office) -> None:
    now = timezone.now()
    office.post("/office/incidents/", the_form(now))
    found = Incident.objects.get()
    report = {"audience": "The CNIL", "reported_at": f"{now - 3 * D:{LOCAL}}", "reference": "CNIL-2026-0042"}
    assert office.post(f"/office/incidents/{found.public_id}/report", report).status_code == 302
    again = office.post(f"/office/incidents/{found.public_id}/report", report)
    assert again.status_code == 409 and "already recorded" in again.content.decode()
    assert IncidentReport.objects.count() == 1
