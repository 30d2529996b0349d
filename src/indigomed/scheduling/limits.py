"""How much of the calendars one member may hold, and how often they may try to book (BOOK-2).

The numbers are the operator's (``BOOKING_LIMIT_*`` and ``BOOKING_RATE_*`` in settings). The
rate counts attempts in the database (``AttemptCount``), so every app server sees the same count:
one statement adds the attempt and reads the count, where a cache's add-then-increment took two
round trips (and, with the database cache, eight statements and two transactions).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.crypto import salted_hmac

from indigomed import rawsql
from indigomed.conf import product_setting
from indigomed.scheduling import booking_store
from indigomed.scheduling.errors import (
    BookingLimitReached,
    OverlappingBooking,
    TooManyBookingAttempts,
    TooManyHolds,
)
from indigomed.scheduling.models import AttemptCount

OVERLAPPING = "You already have an appointment at that time. Cancel or move it first."


def count_booking_attempt(*, member_id: int) -> None:
    """Count one booking attempt of the member; raise ``TooManyBookingAttempts`` past the limit."""
    window = int(product_setting("BOOKING_RATE_WINDOW_SECONDS"))
    if _counted(f"booking:{member_id}", window) > int(product_setting("BOOKING_RATE_LIMIT")):
        minutes = max(1, window // 60)
        raise TooManyBookingAttempts(
            f"You have tried to book too many times in a short while. Please wait {minutes} minutes and try again."
        )


def count_hold(*, client: str) -> None:
    """Count one hold asked for from a client address; raise ``TooManyHolds`` past the limit.

    The address is counted under a keyed hash, so the cache never holds it in clear.
    """
    window = int(product_setting("SLOT_HOLD_RATE_WINDOW_SECONDS"))
    key = "hold:" + salted_hmac("scheduling.holds", client).hexdigest()[:32]
    if _counted(key, window) > int(product_setting("SLOT_HOLD_RATE_LIMIT")):
        raise TooManyHolds(
            f"We hold times for a few people from one place at a time. Please wait {max(1, window // 60)} "
            "minutes, or sign in and book directly."
        )


def _counted(key: str, window: int) -> int:
    """Add one to a count that starts afresh each window of seconds; the count so far.

    One statement, atomic on both databases: racing attempts each see their own number. The
    new values of a conflicting row are computed from its old ones (both engines' rule for SET).
    """
    now = timezone.now()
    found = rawsql.rows(
        """
        INSERT INTO scheduling_attemptcount AS c ("key", window_ends, "count") VALUES (%s, %s, 1)
        ON CONFLICT ("key") DO UPDATE SET
            "count" = CASE WHEN c.window_ends <= %s THEN 1 ELSE c."count" + 1 END,
            window_ends = CASE WHEN c.window_ends <= %s THEN excluded.window_ends ELSE c.window_ends END
        RETURNING "count"
        """,
        [key, rawsql.when(now + dt.timedelta(seconds=window)), rawsql.when(now), rawsql.when(now)],
    )
    return int(found[0][0])


def forget_ended_counts() -> int:
    """Delete the counts whose window has ended (the worker's sweep); how many went."""
    deleted, _ = AttemptCount.objects.filter(window_ends__lte=timezone.now()).delete()
    return deleted


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
        raise OverlappingBooking(OVERLAPPING)
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
