"""What a practice sees of its patients, decided by the privacy decision point (USE-5).

Every calendar row asks for three things about its patient: who they are (contact), why they
come (medical, with the reason's sensitivity tags) and how they pay (insurance). Each is
decided, logged and, when allowed, written to the ledger; what is refused is shown as withheld
with the reason, never guessed at.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from indigomed.privacy.services import Item, disclose_names
from indigomed.scheduling.models import Appointment
from indigomed.scheduling.recipients import recipient_for

CATEGORY_LABELS = {"contact": "Name", "medical": "Reason", "insurance": "Insurance"}


@dataclass
class PatientView:
    name: str | None = None
    reason: str | None = None
    insurance: str | None = None
    withheld: list[str] = field(default_factory=list)


def patients_for(user: Any, appointments: Sequence[Appointment]) -> dict[int, PatientView]:
    """One view per appointment, keyed by appointment id, every item decided in one batch per recipient."""
    by_recipient: dict[Any, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        by_recipient[recipient_for(user, appointment.role)].append(appointment)
    views: dict[int, PatientView] = {}
    for recipient, group in by_recipient.items():
        asked: list[tuple[Appointment, str]] = []
        items: list[Item] = []
        for appointment in group:
            ref = f"appointment:{appointment.public_id}"
            wanted = [("contact", frozenset()), ("medical", frozenset(appointment.visit_reason.tags))]
            if appointment.insurance_plan_id:
                wanted.append(("insurance", frozenset()))
            for category, tags in wanted:
                items.append(Item(appointment.member_id, frozenset({category}), tags, ref))
                asked.append((appointment, category))
        decisions, names = disclose_names(
            actor_user_id=getattr(user, "pk", None), recipient=recipient, purpose="treatment", items=items
        )
        for (appointment, category), decision in zip(asked, decisions, strict=True):
            view = views.setdefault(appointment.pk, PatientView())
            if not decision.allowed:
                view.withheld.append(f"{CATEGORY_LABELS[category]}: {decision.reason}")
            elif category == "contact":
                view.name = names.get(appointment.member_id, "Name not given")
            elif category == "medical":
                view.reason = appointment.visit_reason.name
            else:
                view.insurance = str(appointment.insurance_plan)
    return views
