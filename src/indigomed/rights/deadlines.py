"""How long IndigoMed has to answer a request, from the policy file: the stricter of the notice's
promise and the law of where the member lives, and the one extension that law allows.

The numbers live in ``privacy/data/policy.toml`` (``[notice] <right>_answer_days``, and per
jurisdiction ``floors.<right>_answer_days`` / ``<right>_extension_days``); nothing here repeats them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from indigomed.privacy.policy import Policy, current_policy
from indigomed.privacy.subjects import load_subjects
from indigomed.rights.models import Request

# Which right's numbers each kind of request answers by. A new kind names its right here (a copy of
# billing records would answer by "access"); a right of its own needs its numbers in the policy.
RIGHT_OF_KIND: dict[str, str] = {
    Request.Kind.ACCESS: "access",
    Request.Kind.AMENDMENT: "amendment",
    Request.Kind.ACCOUNTING: "accounting",
    Request.Kind.RESTRICTION: "restriction",
    Request.Kind.QUESTION: "question",
}


@dataclass(frozen=True)
class Clock:
    """The deadlines of one kind of request where one member lives."""

    jurisdiction: str
    answer_days: int
    # The days one extension adds, or None where the law gives none.
    extension_days: int | None


def member_jurisdiction(member_id: int) -> str:
    """The policy jurisdiction of where the member lives (``[places]`` of the policy file)."""
    return load_subjects([member_id])[member_id].jurisdiction


def clock_for(kind: str, jurisdiction: str, policy: Policy | None = None) -> Clock:
    """The answer time is the notice's, or the jurisdiction's floor (its own or inherited) where
    that is shorter; the extension is the law's."""
    policy = policy or current_policy()
    right = RIGHT_OF_KIND[kind]
    floors = policy.jurisdiction(jurisdiction).floors
    promised = int(policy.notice[f"{right}_answer_days"])
    floor = floors.get(f"{right}_answer_days")
    days = promised if floor is None else min(promised, floor)
    return Clock(jurisdiction, days, floors.get(f"{right}_extension_days"))


def due_at(received_at: dt.datetime, clock: Clock) -> dt.datetime:
    """Due that many days after receipt, to the minute (the member sees the date in their zone)."""
    return received_at + dt.timedelta(days=clock.answer_days)
