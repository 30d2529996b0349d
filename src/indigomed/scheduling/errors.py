"""Refusals of the scheduling services."""

from __future__ import annotations

from indigomed.errors import Conflict, Invalid


class SlotTaken(Conflict):
    """Someone else booked the slot first; ``details['next_slots']`` offers the next open ones."""

    code = "slot_taken"


class SlotInPast(Invalid):
    code = "slot_in_past"


class CutoffPassed(Conflict):
    code = "cutoff_passed"


class WrongStatus(Conflict):
    code = "wrong_status"
