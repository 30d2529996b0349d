"""BOOK-3: Cancel and Move are shown only while the practice's cut-off allows them, with the
moment stated; after it the page says how to reach the practice, and the requests are refused."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dateformat import format as date_format

from indigomed.scheduling import services
from indigomed.scheduling.models import Appointment
from tests.scheduling.helpers import calendar_snapshot, open_slot, soon_slot


def booked(world, slot) -> Appointment:
    return services.book_appointment(
        actor=world.member, slot_id=slot.pk, visit_reason="chest-pain", insurance_plan=None
    )


def test_before_the_cutoff_the_page_offers_cancel_and_move_and_says_until_when(world, member_client) -> None:
    """BOOK-3: "You can cancel or move until Tue 14 Jan, 9:00 AM", in the practice's time zone."""
    appointment = booked(world, open_slot(world.heart_role))
    until = (appointment.starts_at - dt.timedelta(hours=24)).astimezone(ZoneInfo("America/New_York"))
    html = member_client.get(f"/appointments/{appointment.public_id}/").content.decode()
    said = f"{date_format(until, 'D, M j')}, {until.hour % 12 or 12}:{until.minute:02d} {until.strftime('%p')} {until.tzname()}"
    assert f"You can cancel or move until {said}." in html
    assert "Cancel appointment" in html
    assert "Move appointment" in html


def test_after_the_cutoff_the_page_shows_no_cancel_or_move_and_says_whom_to_call(world, member_client) -> None:
    world.ny_clinic.phone = "+1 212 555 0100"
    world.ny_clinic.save(update_fields=["phone"])
    appointment = booked(world, soon_slot(world.heart_role))  # two hours away; the cut-off is 24 hours
    html = member_client.get(f"/appointments/{appointment.public_id}/").content.decode()
    assert "Cancel appointment" not in html
    assert "Move appointment" not in html
    closed = (appointment.starts_at - dt.timedelta(hours=24)).astimezone(ZoneInfo("America/New_York"))
    said = f"{date_format(closed, 'D, M j')}, {closed.hour % 12 or 12}:{closed.minute:02d} {closed.strftime('%p')} {closed.tzname()}"
    assert f"Changes online closed on {said}, 24 hours before the visit." in html
    assert "call Hudson Clinic at" in html and "+1 212 555 0100" in html


def test_after_the_cutoff_cancelling_and_moving_are_refused_and_change_nothing(world, member_client) -> None:
    appointment = booked(world, soon_slot(world.heart_role))
    other = open_slot(world.heart_role)
    before = calendar_snapshot()
    page = member_client.post(f"/appointments/{appointment.public_id}/cancel", follow=True)
    assert "does not take changes online less than 24 hours before the visit" in page.content.decode()
    moved = member_client.post(f"/appointments/{appointment.public_id}/reschedule", {"slot_id": other.pk}, follow=True)
    assert "does not take changes online" in moved.content.decode()
    api = member_client.post(f"/api/appointments/{appointment.public_id}/cancel")
    assert api.status_code == 409
    assert api.json()["code"] == "cutoff_passed"
    api_move = member_client.post(
        f"/api/appointments/{appointment.public_id}/reschedule",
        json.dumps({"slot_id": other.pk}),
        content_type="application/json",
    )
    assert api_move.status_code == 409
    assert calendar_snapshot() == before


def test_the_cutoff_is_the_facilitys_own_or_the_default(world, member_client, settings) -> None:
    settings.INDIGOMED = {**settings.INDIGOMED, "DEFAULT_CANCEL_CUTOFF_HOURS": 1}
    # The Paris clinic sets no cut-off of its own: one hour, so a visit in two hours can still move.
    slot = soon_slot(world.paris_role)
    appointment = booked(world, slot)
    html = member_client.get(f"/appointments/{appointment.public_id}/").content.decode()
    assert "Cancel appointment" in html
    assert appointment.starts_at - dt.timedelta(hours=1) > timezone.now()


def test_a_cancelled_or_past_visit_offers_nothing_to_change(world, member_client) -> None:
    appointment = booked(world, open_slot(world.heart_role))
    services.cancel_appointment(actor=world.member, public_id=str(appointment.public_id))
    html = member_client.get(f"/appointments/{appointment.public_id}/").content.decode()
    assert "Cancel appointment" not in html and "You can cancel or move" not in html
    assert "Changes online closed" not in html
