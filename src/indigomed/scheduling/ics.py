"""An appointment as an iCalendar file (BOOK-3), in the facility's time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

from indigomed.scheduling.models import Appointment


def appointment_calendar(appointment: Appointment) -> bytes:
    """The .ics bytes. The visit reason stays out: calendars are synced to third parties."""
    facility = appointment.role.facility
    zone = ZoneInfo(facility.timezone)
    cal = Calendar()
    cal.add("prodid", "-//IndigoMed//Appointments//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.public_id}@indigomed")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointment.ends_at.astimezone(zone))
    event.add("summary", f"Appointment with {appointment.role.practitioner.display_name}")
    event.add("location", f"{facility.name}, {facility.street}, {facility.postal_code} {facility.city}")
    event.add("url", f"{settings.SITE_URL}/appointments/{appointment.public_id}/")
    event.add("status", "CANCELLED" if appointment.status == Appointment.Status.CANCELLED else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def appointment_ics(appointment: Appointment) -> HttpResponse:
    response = HttpResponse(appointment_calendar(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="indigomed-appointment.ics"'
    return response
