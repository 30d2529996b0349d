"""What a practice sees of its patients in Connect (USE-5): the care view, by practice role.

The policy file names, for each practice role, the patient fields its calendar asks for
(``[practice_views]``: by default the practitioner sees name, reason and insurance, the front desk
and the facility admin name and insurance). Each field asked is an item the decision point decides
under treatment, logs, and ledgers the first time it reaches that recipient in that version; a
field a role does not see is never asked for, so nothing of it is read out, logged or ledgered.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from indigomed.directory.models import FacilityStaff, PractitionerRole
from indigomed.privacy import wording
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.policy import PRACTICE_FIELDS, current_policy
from indigomed.privacy.services import Item, disclose
from indigomed.records.amendments import Dispute, disputes_of, versioned
from indigomed.records.queries import booking_details, names_of
from indigomed.records.services import member_keys_kept_open

# The policy's practice role of each kind of facility staff.
_STAFF_ROLES: dict[str, str] = {FacilityStaff.Role.STAFF: "front_desk", FacilityStaff.Role.ADMIN: "facility_admin"}
_ROLE_LABELS = {"practitioner": "Practitioner", "front_desk": "Front desk", "facility_admin": "Facility admin"}
_FIELD_LABELS = {"name": "Name", "reason": "Reason", "insurance": "Insurance"}


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who looks at one calendar: their practice role, the recipient the ledger names, and the
    patient fields the policy lets that role ask for."""

    role: str
    recipient: Recipient
    fields: frozenset[str]


@dataclass(frozen=True, slots=True)
class SharedDispute:
    """A statement of disagreement (and the office's rebuttal) about a field the view shows: it
    goes with that field wherever the field is shown (RIGHT-AMEND)."""

    field: str
    dispute: Dispute


@dataclass
class CareView:
    """What a practice may see of one appointment's patient. ``fields`` are those its role asks
    for; of them, ``withheld`` says what the decision point refused, and why, and ``disputes``
    the member's statements of disagreement about the fields shown."""

    fields: frozenset[str] = frozenset()
    name: str | None = None
    reason: str | None = None
    insurance: str | None = None
    withheld: list[str] = field(default_factory=list)
    disputes: list[SharedDispute] = field(default_factory=list)

    def disputes_of(self, name: str) -> list[Dispute]:
        """The disputes about one field (``name``, ``reason``, ``insurance``), oldest first."""
        return [shared.dispute for shared in self.disputes if shared.field == name]

    # For templates, which cannot pass an argument.
    @property
    def name_disputes(self) -> list[Dispute]:
        return self.disputes_of("name")

    @property
    def reason_disputes(self) -> list[Dispute]:
        return self.disputes_of("reason")

    @property
    def insurance_disputes(self) -> list[Dispute]:
        return self.disputes_of("insurance")


@dataclass(frozen=True, slots=True)
class CareRow:
    """One calendar row as privacy needs it: the appointment, its patient, the calendar it is on."""

    appointment_id: uuid.UUID
    member_id: int
    calendar: PractitionerRole


def viewers(user: Any, calendars: Iterable[PractitionerRole]) -> dict[int, Viewer]:
    """The viewer ``user`` is at each calendar (keyed by its id), in one query for the staff rows.

    A practitioner at their own calendar is the practitioner; anyone else runs it as the
    facility's staff, in the role their staff row names. Someone who is neither asks for nothing.
    """
    calendars = list(calendars)
    user_id = getattr(user, "pk", None) or 0
    staff: dict[int, str] = dict(
        FacilityStaff.objects.filter(user_id=user_id, facility_id__in={c.facility_id for c in calendars}).values_list(
            "facility_id", "role"
        )
    )
    policy = current_policy()
    found: dict[int, Viewer] = {}
    for calendar in calendars:
        practitioner, facility = calendar.practitioner, calendar.facility
        if practitioner.user_id is not None and practitioner.user_id == user_id:
            role = "practitioner"
            recipient = Recipient.practitioner(practitioner.pk, f"{practitioner.display_name}, {facility.name}")
        else:
            role = _STAFF_ROLES.get(staff.get(calendar.facility_id, ""), "")
            recipient = Recipient.facility(facility.pk, f"{_ROLE_LABELS.get(role, 'Staff')}, {facility.name}")
        found[calendar.pk] = Viewer(role, recipient, policy.practice_view(role) if role else frozenset())
    return found


def fields_seen_by(user: Any, calendars: Iterable[PractitionerRole]) -> frozenset[str]:
    """Every patient field ``user`` sees on any of these calendars (what a calendar's columns are)."""
    return frozenset().union(*(viewer.fields for viewer in viewers(user, calendars).values()))


def care_views(*, user: Any, rows: Sequence[CareRow]) -> dict[uuid.UUID, CareView]:
    """The care view of each calendar row, keyed by appointment, decided in one batch per recipient."""
    calendars = {row.calendar.pk: row.calendar for row in rows}
    seen_as = viewers(user, calendars.values())
    groups: dict[Viewer, list[CareRow]] = defaultdict(list)
    for row in rows:
        groups[seen_as[row.calendar.pk]].append(row)
    views: dict[uuid.UUID, CareView] = {}
    # Each member's key is read once for the details, the names, the disputes and the decision.
    with member_keys_kept_open():
        for viewer, group in groups.items():
            views.update(_decide(getattr(user, "pk", None), viewer, group))
    return views


def _decide(actor_user_id: int | None, viewer: Viewer, rows: Sequence[CareRow]) -> dict[uuid.UUID, CareView]:
    """Each field the viewer's role asks for, of each row, decided under treatment.

    The reason's sensitivity tags are read from the sealed booking details before deciding, so a
    missing consent or a restriction withholds exactly what it must. Each field is an item whose
    version is what it reads (name, reason and its kinds, plan): a calendar refreshed ten times is
    ten access-log rows and one ledger entry, and a changed name is ledgered again (LEDGER-1).
    """
    views = {row.appointment_id: CareView(fields=viewer.fields) for row in rows}
    if not viewer.fields:
        return views
    booked = booking_details({row.appointment_id: row.member_id for row in rows})
    # Read with the booking details, to version the rows; a name is shown only where allowed.
    names = names_of(sorted({row.member_id for row in rows})) if "name" in viewer.fields else {}
    # The records each field shows, and the statements of disagreement that go with them; a
    # statement filed or answered makes its field a new version, disclosed anew.
    disputes = disputes_of((row.member_id, _record(row.appointment_id, name)) for row in rows for name in viewer.fields)
    asked: list[tuple[uuid.UUID, str]] = []
    items: list[Item] = []
    for row in rows:
        details = booked.get(row.appointment_id)
        wanted: list[tuple[str, frozenset[str], str]] = []
        if "name" in viewer.fields:
            wanted.append(("name", frozenset(), names.get(row.member_id, "")))
        if details is not None and "reason" in viewer.fields:
            wanted.append(("reason", frozenset(details.tags), ",".join([details.reason_slug, *sorted(details.tags)])))
        if details is not None and details.plan_slug and "insurance" in viewer.fields:
            wanted.append(("insurance", frozenset(), details.plan_slug))
        ref = f"appointment:{row.appointment_id}"
        for name, tags, version in wanted:
            about = disputes.get((row.member_id, _record(row.appointment_id, name)), [])
            items.append(Item(row.member_id, frozenset({PRACTICE_FIELDS[name]}), tags, ref, versioned(version, about)))
            asked.append((row.appointment_id, name))
    if not items:
        return views
    decisions = disclose(actor_user_id=actor_user_id, recipient=viewer.recipient, purpose="treatment", items=items)
    for (appointment_id, name), item, decision in zip(asked, items, decisions, strict=True):
        view = views[appointment_id]
        if not decision.allowed:
            view.withheld.append(f"{_FIELD_LABELS[name]}: {wording.reason_of(decision)}")
            continue
        about = disputes.get((item.member_id, _record(appointment_id, name)), [])
        view.disputes.extend(SharedDispute(name, d) for d in about)
        if name == "name":
            view.name = names.get(item.member_id, "Name not given")
        elif name == "reason":
            view.reason = booked[appointment_id].reason_name
        else:
            view.insurance = booked[appointment_id].plan_name
    return views


def _record(appointment_id: uuid.UUID, name: str) -> str:
    """The record a calendar field shows (``records.amendments`` names them): the patient's name is
    their profile's, the reason and the insurance the booking's."""
    if name == "name":
        return "profile:name"
    return f"booking:{appointment_id}:{name}"
