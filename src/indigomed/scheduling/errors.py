"""Refusals of the scheduling services."""

from __future__ import annotations

from indigomed.errors import Conflict, DomainError, Invalid


class SlotTaken(Conflict):
    """Someone else booked the slot first; ``details['next_slots']`` offers the next open ones."""

    code = "slot_taken"


class SlotInPast(Invalid):
    code = "slot_in_past"


class CutoffPassed(Conflict):
    code = "cutoff_passed"


class WrongStatus(Conflict):
    code = "wrong_status"


class SlotClosed(Conflict):
    """The practice closed the slot (time off); ``details['next_slots']`` offers the next open ones."""

    code = "slot_closed"


class BookingLimitReached(Conflict):
    """The member already holds as many upcoming appointments as the operator allows."""

    code = "booking_limit"


class OverlappingBooking(Conflict):
    """The member already holds an appointment at that time, with any practitioner."""

    code = "overlapping_booking"


class VisitTypeDoesNotFit(Conflict):
    """The slot's visit type is not for this patient (new or returning) or this reason, or is no
    longer offered; ``details['next_slots']`` offers the next times that fit."""

    code = "visit_type_does_not_fit"


class SlotHeld(Conflict):
    """Another visitor holds the slot for a few minutes while they sign up or in to book it;
    ``details['next_slots']`` offers the next open ones."""

    code = "slot_held"


class TooManyBookingAttempts(DomainError):
    """The member tried to book too often in a short time."""

    status = 429
    code = "too_many_attempts"


class TooManyHolds(DomainError):
    """Too many times held from one client address in a short while."""

    status = 429
    code = "too_many_holds"
