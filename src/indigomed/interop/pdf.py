"""The same copy as a readable PDF, from an HTML template, with WeasyPrint.

One line of text per booking or visit rather than table rows: WeasyPrint lays out a long table
about ten times slower than the same lines as paragraphs, and a copy of 200 visits must be ready in
well under a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.accounts.languages import languages_of
from indigomed.conventions import LANGUAGES, Reader, clock, local_day, place_of
from indigomed.interop.fhir import Left
from indigomed.interop.sources import BookingRow, Directory
from indigomed.privacy.copies import MemberRecord

STATUS_WORDS = {
    "booked": _("Booked"),
    "checked_in": _("Checked in"),
    "completed": _("Completed"),
    "cancelled": _("Cancelled"),
    "no_show": _("Missed"),
}


@dataclass(frozen=True, slots=True)
class Line:
    when: str
    who: str
    where: str
    what: str
    status: str
    plan: str


def _lines(
    record: MemberRecord,
    bookings: Sequence[BookingRow],
    directory: Directory,
    withheld: frozenset[str],
    reader: Reader,
) -> tuple[list[Line], list[Line]]:
    """(visits, other bookings), each in the facility's own time, oldest first, as ``reader`` writes
    days and times."""
    visits_by_booking = {v.appointment_id: v for v in record.visits if v.appointment_id is not None}
    visits: list[Line] = []
    others: list[Line] = []
    for booking in bookings:
        if f"appointment:{booking.public_id}" in withheld:
            continue
        doctor = directory.doctors.get(booking.practitioner_id)
        place = directory.places.get(booking.facility_id)
        zone = ZoneInfo(place.timezone) if place else dt.UTC
        where = place_of(zone)
        booked = record.bookings.get(booking.public_id)
        visit = visits_by_booking.get(booking.public_id)
        line = Line(
            when=f"{local_day(booking.starts_at, where, reader, 'year')}, {clock(booking.starts_at, where, reader)}",
            who=doctor.display_name if doctor else "",
            where=place.name if place else "",
            what=(visit.reason if visit else "") or (booked.reason_name if booked else "") or booking.visit_type,
            status=str(STATUS_WORDS.get(booking.status, booking.status)),
            plan=(booked.plan_name or "") if booked else "",
        )
        (visits if booking.status == "completed" else others).append(line)
    booked_ids = {b.public_id for b in bookings}
    for visit in record.visits:
        if visit.appointment_id in booked_ids or f"appointment:{visit.appointment_id}" in withheld:
            continue
        visits.append(
            Line(
                local_day(visit.visit_date, None, reader, "year"),
                visit.practitioner_name,
                visit.facility_name,
                visit.reason,
                gettext("Completed"),
                "",
            )
        )
    return visits, others


def render_pdf(
    *,
    record: MemberRecord,
    bookings: Sequence[BookingRow],
    directory: Directory,
    withheld: frozenset[str],
    left_out: Sequence[Left],
    copy_id: str,
    at: dt.datetime,
    fee: str,
) -> bytes:
    """The copy as PDF bytes, in the member's language (headings, days, statuses)."""
    from weasyprint import HTML  # heavy: loaded when a copy is first made, not at start-up

    language = languages_of([record.member_id]).get(record.member_id, "en")
    language = language if language in LANGUAGES else "en"
    reader = Reader(language=language)
    with translation.override(language):
        visits, others = _lines(record, bookings, directory, withheld, reader)
        # The standing exclusions are marked for translation where they are written (copies.py);
        # a clinician's own reason for withholding stays in their words.
        left_words = [Left(gettext(left.text)) for left in left_out]
    context: dict[str, Any] = {
        "record": record,
        "profile": record.profile,
        "visits": visits,
        "others": others,
        "coverages": record.coverages,
        "authorizations": record.authorizations,
        "left_out": left_words,
        "copy_id": copy_id,
        "at": at,
        "fee": fee,
    }
    with translation.override(language):
        html = render_to_string("interop/copy.html", context)
    return bytes(HTML(string=html).write_pdf())
