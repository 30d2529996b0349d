"""Messages say a visit's time as people say it where the visit happens (issue 11): "9:00 AM EST"
for a New York practice, "09:00, heure de Paris" in French for a Paris one, never a zone's name."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from django.utils import timezone

from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.rendering import render
from indigomed.scheduling.services import book_appointment
from tests.conftest import address_of
from tests.scheduling.helpers import open_slot


def test_a_new_york_visits_confirmation_reads_a_12_hour_clock_and_the_zones_abbreviation(world, smtp) -> None:
    visit = book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role, after_hours=120).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )
    deliver_until_idle(now=timezone.now())
    [confirmation] = smtp.to(address_of(world.member))
    local = visit.starts_at.astimezone(ZoneInfo("America/New_York"))
    said = f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'} {local.tzname()}"
    body = confirmation.get_content()
    assert re.fullmatch(r"\d{1,2}:\d{2} [AP]M E[SD]T", said)
    assert f"at {said}" in body and "America/New_York" not in body


def test_a_paris_visit_reads_in_french_with_a_24_hour_clock_and_heure_de_paris() -> None:
    context = {
        "starts_at": "2027-01-12T08:00:00+00:00",
        "timezone": "Europe/Paris",
        "link": "/appointments/x/",
        "discreet": True,
    }
    french = render(kind="booking-confirmation", language="fr", context=context)
    assert "à 09:00, heure de Paris" in french.body and "Europe/Paris" not in french.body
    assert "à 09:00 est confirmé" in french.sms
    english = render(kind="reminder", language="en", context=context)
    assert "at 09:00 Paris time" in english.body
