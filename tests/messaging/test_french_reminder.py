"""Issue 12 "French throughout": a French member's reminder is written in French, with the day and
month in French and in lowercase and a 24-hour clock ("mardi 3 mars 2026 à 09:00")."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone, translation

from indigomed.accounts.models import Member
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.scheduling.services import book_appointment
from tests.conftest import address_of, make_user
from tests.scheduling.helpers import open_slot

PARIS = ZoneInfo("Europe/Paris")


def test_a_french_members_reminder_is_in_french_with_a_french_day_and_a_24_hour_clock(world, smtp) -> None:
    member = make_user("camille.martin@example.test", member=True, country="FR")
    Member.objects.filter(user=member).update(language="fr")
    visit = book_appointment(
        actor=member,
        slot_id=open_slot(world.paris_role, after_hours=120).pk,
        visit_reason="chest-pain",
        insurance_plan="",
    )
    deliver_until_idle(now=visit.starts_at - dt.timedelta(hours=48))
    confirmation, reminder = smtp.to(address_of(member))
    assert "IndigoMed : rappel de votre rendez-vous du " in reminder["Subject"]
    body = reminder.get_content()
    local = visit.starts_at.astimezone(PARIS)
    with translation.override("fr"):
        day = dateformat.format(local, "l j F Y")
    assert day == day.lower() and re.fullmatch(r"[a-z]+di \d{1,2} [a-zéû]+ \d{4}", day)
    assert f"vous avez rendez-vous le {day} à {local:%H:%M}, heure de Paris" in body
    assert " AM" not in body and " PM" not in body and "Bonjour" in body
    # The same visit, for an English-speaking member, stays in English.
    assert "is booked" not in confirmation["Subject"]


def test_an_english_members_reminder_stays_in_english(world, smtp) -> None:
    visit = book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role, after_hours=120).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )
    deliver_until_idle(now=visit.starts_at - dt.timedelta(hours=48))
    reminder = smtp.to(address_of(world.member))[-1]
    assert "reminder" in reminder["Subject"] and "rappel" not in reminder["Subject"]
    assert timezone.is_aware(visit.starts_at)
