"""How much of the calendars one member may hold, and how often they may try to book (BOOK-2).

The numbers are the operator's (``BOOKING_LIMIT_*`` and ``BOOKING_RATE_*`` in settings). The
rate counts attempts in the shared cache, so every app server sees the same count.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from indigomed.conf import product_setting
from indigomed.scheduling import booking_store
from indigomed.scheduling.errors import BookingLimitReached, OverlappingBooking, TooManyBookingAttempts


def count_booking_attempt(*, member_id: int) -> None:
    """Count one booking attempt of the member; raise ``TooManyBookingAttempts`` past the limit."""
    limit = int(product_setting("BOOKING_RATE_LIMIT"))
    window = int(product_setting("BOOKING_RATE_WINDOW_SECONDS"))
    key = f"scheduling:booking-attempts:{member_id}"
    cache.add(key, 0, timeout=window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window ended between add and incr: this attempt opens the next one
        cache.add(key, 1, timeout=window)
        attempts = 1
    if attempts > limit:
        minutes = max(1, window // 60)
        raise TooManyBookingAttempts(
            f"You have tried to book too many times in a short while. Please wait {minutes} minutes and try again."
        )


def check_member_may_hold(
    *,
    member_id: int,
    practitioner_id: int,
    practitioner_name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> None:
    """Inside the booking's transaction: the member may take this time.

    Locks the member's bookings first, so that two racing bookings of one member are counted one
    after the other. Raises ``OverlappingBooking`` when the member already holds an appointment
    that overlaps the time (with any practitioner) and ``BookingLimitReached``
    when they hold as many upcoming appointments as the operator allows.
    """
    booking_store.lock_member(member_id=member_id)
    held = booking_store.holdings(
        member_id=member_id, practitioner_id=practitioner_id, starts_at=starts_at, ends_at=ends_at
    )
    if held.overlapping:
        raise OverlappingBooking("You already have an appointment at that time. Cancel or move it first.")
    per_practitioner = int(product_setting("BOOKING_LIMIT_PER_PRACTITIONER"))
    if held.with_practitioner >= per_practitioner:
        raise BookingLimitReached(
            f"You already have {held.with_practitioner} upcoming appointments with {practitioner_name}, "
            "the most you can hold at once. Cancel one to book another."
        )
    total = int(product_setting("BOOKING_LIMIT_TOTAL"))
    if held.upcoming >= total:
        raise BookingLimitReached(
            f"You already have {held.upcoming} upcoming appointments, the most you can hold at once. "
            "Cancel one to book another."
        )
