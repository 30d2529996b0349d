"""Video visits (BOOK-7): the room a remote appointment is held in, and when it may be joined.

The join link members receive names only the appointment (``/appointments/<id>/join``) and asks
them to sign in; the room's own address is given to the member and the practitioner alone, at
the time of the visit. So a message read by someone else, or a link forwarded, opens nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from indigomed.conf import product_setting
from indigomed.errors import NotFound
from indigomed.scheduling.models import Appointment

# A visit can be joined until it is over; booked and checked-in visits are still to take place.
_JOINABLE = (Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN)


def room_url(appointment: Any) -> str:
    """The video room of a remote appointment: its name is a keyed hash of the appointment."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"video-room:{appointment.public_id}".encode(), hashlib.sha256
    ).hexdigest()
    return str(product_setting("VIDEO_ROOM_URL")).format(room=digest[:32])


@dataclass(frozen=True)
class Joining:
    """Whether the room may be entered now; if not, from when or why not."""

    appointment: Any
    room: str | None
    opens_at: dt.datetime
    over: bool
    cancelled: bool


def joining(*, user_id: int, public_id: str, now: dt.datetime) -> Joining:
    """The member's or the practitioner's way into a remote appointment's room.

    ``NotFound`` for anyone else, and for a visit that is not remote: an outsider learns nothing.
    """
    appointment = (
        Appointment.objects.select_related("visit_type", "role__practitioner")
        .filter(public_id=public_id, visit_type__is_remote=True)
        .first()
    )
    if appointment is None or user_id not in (appointment.member_id, appointment.role.practitioner.user_id):
        raise NotFound(_("No such video visit."))
    opens_at = appointment.starts_at - dt.timedelta(minutes=int(product_setting("VIDEO_JOIN_OPENS_MINUTES")))
    cancelled = appointment.status not in _JOINABLE
    over = now >= appointment.ends_at
    open_now = not cancelled and not over and now >= opens_at
    return Joining(appointment, room_url(appointment) if open_now else None, opens_at, over, cancelled)
