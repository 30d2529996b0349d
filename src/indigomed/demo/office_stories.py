"""Demo stories of the messages and the privacy office: the member's video visit tomorrow (its
join link in their messages, BOOK-7) and a breach the office found yesterday, its clocks running
and its members not told yet (SEC-3)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from indigomed.accounts.models import User
from indigomed.directory.models import PractitionerRole
from indigomed.privacy.breaches import record_incident
from indigomed.scheduling import services as scheduling
from indigomed.scheduling.models import Slot, VisitType


def seed_video_visit(*, member: User, role: PractitionerRole, reason: str, plan: str | None) -> None:
    """The demo practitioner also sees patients by video: the first open time from tomorrow is a
    video consultation, and the demo member has booked it."""
    video = VisitType.objects.create(role=role, name="Video consultation", duration_minutes=20, is_remote=True)
    tomorrow = timezone.now() + dt.timedelta(hours=20)
    slot = Slot.objects.filter(role=role, is_open=True, starts_at__gt=tomorrow).order_by("starts_at").first()
    assert slot is not None, "the calendars must be seeded first"
    # A shorter visit in the same place on the calendar, so it overlaps nothing.
    Slot.objects.filter(pk=slot.pk).update(visit_type=video, ends_at=slot.starts_at + dt.timedelta(minutes=20))
    scheduling.book_appointment(actor=member, slot_id=slot.pk, visit_reason=reason, insurance_plan=plan)


def seed_breach(*, officer: User) -> None:
    now = timezone.now()
    record_incident(
        officer=officer,
        summary_en=(
            "A support laptop holding an export of members' contact details (names, e-mail addresses "
            "and phone numbers) was stolen from a locked car. The export held no medical information."
        ),
        summary_fr=(
            "Un ordinateur portable du support contenant un export des coordonnées des membres (noms, "
            "adresses e-mail et numéros de téléphone) a été volé dans une voiture fermée. L'export ne "
            "contenait aucune information médicale."
        ),
        systems="support laptop (contact export)",
        categories=["contact"],
        occurred_from=now - dt.timedelta(days=2),
        occurred_until=now,
        discovered_at=now - dt.timedelta(days=1),
        scope="platform",
    )
