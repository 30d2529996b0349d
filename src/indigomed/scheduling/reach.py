"""How far calendars reach: open times up to the slot horizon, a practice's days within a decade.

Dates at the edges of the calendar (the years 1 and 9999) cannot even be shifted by a day; every
date a request brings is checked against these bounds before any arithmetic is done with it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.conf import product_setting
from indigomed.errors import Invalid

# A practice looks back over its history and ahead over its bookings; ten years covers both.
CALENDAR_REACH = dt.timedelta(days=3653)


def horizon_days() -> int:
    """The operator's slot horizon (``SLOT_HORIZON_DAYS``)."""
    return int(product_setting("SLOT_HORIZON_DAYS"))


def horizon_end(now: dt.datetime | None = None) -> dt.datetime:
    """The latest instant a slot can start: the horizon's last local day ends at most a day later."""
    return (now or timezone.now()) + dt.timedelta(days=horizon_days() + 1)


def check_calendar_day(day: dt.date, *, today: dt.date) -> None:
    """A day a practice's calendar may show; raises ``Invalid`` for one more than ten years away."""
    if abs(day - today) > CALENDAR_REACH:
        raise Invalid(_("Choose a day within ten years of today."))


def check_window_in_horizon(starts_at: dt.datetime, ends_at: dt.datetime, what: str) -> None:
    """Time off or extra hours: not wholly past, and within the calendar's horizon.

    Raises ``Invalid`` otherwise.
    """
    now = timezone.now()
    if ends_at <= now:
        raise Invalid(f"The {what} must end in the future.")
    if ends_at > horizon_end(now):
        raise Invalid(f"The {what} must lie within the calendar's next {horizon_days()} days.")
