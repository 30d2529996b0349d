"""Reads of calendars: open slots, a member's appointments, a practice's day and week."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed import rawsql
from indigomed.accounts.roles import load_actor
from indigomed.conf import product_setting
from indigomed.directory.models import PractitionerRole
from indigomed.errors import NotFound
from indigomed.precompiled import Precompiled
from indigomed.scheduling.models import Appointment, Slot


@dataclass(frozen=True, slots=True)
class OpenSlot:
    id: int
    role_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    visit_type: str


def next_open_slots(
    role_ids: Sequence[int],
    *,
    per_role: int | None = None,
    after: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> dict[int, list[OpenSlot]]:
    """The first few open future slots of each role, in one statement over the partial index."""
    if not role_ids:
        return {}
    per_role = per_role or int(product_setting("NEXT_SLOTS_SHOWN"))
    since = rawsql.when(after or timezone.now())
    upper = "" if before is None else "AND s.starts_at < %s"
    bounds = [since] if before is None else [since, rawsql.when(before)]
    if connection.vendor == "postgresql":
        # Each role's first few by the partial index, stopping there: ranking every open slot of
        # twenty calendars read a thousand rows to keep sixty (30 ms against 1 ms, 5M slots).
        sql = f"""
            SELECT n.id, n.role_id, n.starts_at, n.ends_at, vt.name
            FROM unnest(%s::bigint[]) AS r(id)
            CROSS JOIN LATERAL (
                SELECT s.id, s.role_id, s.starts_at, s.ends_at, s.visit_type_id
                FROM scheduling_slot s
                WHERE s.role_id = r.id AND s.is_open AND s.starts_at > %s {upper}
                ORDER BY s.starts_at
                LIMIT %s
            ) n
            JOIN scheduling_visittype vt ON vt.id = n.visit_type_id
            ORDER BY n.role_id, n.starts_at
        """  # nosec B608 # constant fragments, values as parameters
        params: list[object] = [list(role_ids), *bounds, per_role]
    else:
        sql = f"""
            SELECT n.id, n.role_id, n.starts_at, n.ends_at, vt.name
            FROM (
                SELECT s.id, s.role_id, s.starts_at, s.ends_at, s.visit_type_id,
                       ROW_NUMBER() OVER (PARTITION BY s.role_id ORDER BY s.starts_at) AS rank
                FROM scheduling_slot s
                WHERE s.role_id IN ({rawsql.placeholders(role_ids)}) AND s.is_open AND s.starts_at > %s {upper}
            ) n
            JOIN scheduling_visittype vt ON vt.id = n.visit_type_id
            WHERE n.rank <= %s
            ORDER BY n.role_id, n.starts_at
        """  # nosec B608 # constant fragments, values as parameters
        params = [*role_ids, *bounds, per_role]
    found: dict[int, list[OpenSlot]] = defaultdict(list)
    for slot_id, role_id, starts_at, ends_at, visit_type in rawsql.rows(sql, params):
        found[role_id].append(
            OpenSlot(slot_id, role_id, rawsql.read_when(starts_at), rawsql.read_when(ends_at), visit_type)
        )
    return dict(found)


def open_slots_for_role(role_id: int, *, start: dt.datetime, end: dt.datetime) -> list[OpenSlot]:
    """Every open slot of a role starting in [start, end) and in the future."""
    start = max(start, timezone.now())
    rows = (
        Slot.objects.filter(role_id=role_id, is_open=True, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at")
        .values_list("id", "role_id", "starts_at", "ends_at", "visit_type__name")
    )
    return [OpenSlot(*row) for row in rows]


def open_slots_for_roles(role_ids: Sequence[int], *, start: dt.datetime, end: dt.datetime) -> dict[int, list[OpenSlot]]:
    """Every open slot of several roles starting in [start, end) and in the future, by role, in one query
    (a facility's week)."""
    start = max(start, timezone.now())
    found: dict[int, list[OpenSlot]] = defaultdict(list)
    for row in (
        Slot.objects.filter(role_id__in=list(role_ids), is_open=True, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at")
        .values_list("id", "role_id", "starts_at", "ends_at", "visit_type__name")
    ):
        found[row[1]].append(OpenSlot(*row))
    return dict(found)


def appointments_of_member(member: Any) -> QuerySet[Appointment]:
    """The member's own appointments, soonest first, with what the list shows."""
    return (
        Appointment.objects.filter(member=member)
        .select_related("role__practitioner", "role__facility", "visit_type")
        .order_by("starts_at")
    )


# The columns the member's list shows (``scheduling.api.appointment_out``) and no others: a
# facility's or practitioner's whole row is several times what the list needs to read and load.
_LISTED = (
    "public_id",
    "member_id",
    "status",
    "starts_at",
    "ends_at",
    "role__practitioner__title",
    "role__practitioner__given_name",
    "role__practitioner__family_name",
    "role__practitioner__slug",
    "role__facility__timezone",
    "role__facility__name",
    "role__facility__slug",
    "role__facility__street",
    "role__facility__postal_code",
    "role__facility__city",
    "role__facility__cancel_cutoff_hours",
    "visit_type__name",
)

# The API's list of a member's own appointments runs on every look: compiled once per process.
_MEMBER_APPOINTMENTS = Precompiled(lambda member_id: appointments_of_member(member_id).only(*_LISTED))


def member_appointments(member: Any) -> list[Appointment]:
    """``appointments_of_member`` as a list, without building and compiling the query each time."""
    return _MEMBER_APPOINTMENTS.objects(member.pk)


def appointment_for_member(member: Any, public_id: uuid.UUID | str) -> Appointment:
    """The member's appointment; another member's or an unknown one is the same 'not found'."""
    try:
        return appointments_of_member(member).get(public_id=public_id)
    except (Appointment.DoesNotExist, ValueError) as exc:
        raise NotFound(_("We could not find that appointment.")) from exc


def roles_managed_by(user: Any) -> QuerySet[Any]:
    """Ids of the practitioner roles whose calendar this user may run in Connect.

    A practitioner runs their own roles; facility staff and HCF admins run every role at
    their facilities.
    """
    if not getattr(user, "is_authenticated", False):
        return PractitionerRole.objects.none().values_list("id", flat=True)
    # By the ids the actor already names: two index look-ups, where an OR across the joins to
    # practitioners and staff scanned every role of the directory.
    actor = load_actor(user)
    runs = Q(pk__in=[])
    if actor.practitioner_id is not None:
        runs |= Q(practitioner_id=actor.practitioner_id)
    if actor.staff:
        runs |= Q(facility_id__in=sorted({m.facility_id for m in actor.staff}))
    return PractitionerRole.objects.filter(runs).values_list("id", flat=True)


def appointments_on(
    roles: QuerySet[Any] | Sequence[int], *, start: dt.datetime, end: dt.datetime
) -> QuerySet[Appointment]:
    """Appointments in [start, end) on these calendars (their ids, or ``roles_managed_by``),
    cancelled ones included."""
    return (
        Appointment.objects.filter(role_id__in=roles, starts_at__gte=start, starts_at__lt=end)
        .select_related("role__practitioner", "role__facility", "visit_type", "member")
        .order_by("starts_at")
    )


def appointment_for_practice(user: Any, public_id: uuid.UUID | str) -> Appointment:
    """An appointment at a role the user runs; anything else is 'not found'."""
    try:
        return (
            Appointment.objects.filter(role_id__in=roles_managed_by(user))
            .select_related("role__practitioner", "role__facility", "visit_type", "member")
            .get(public_id=public_id)
        )
    except (Appointment.DoesNotExist, ValueError) as exc:
        raise NotFound(_("We could not find that appointment.")) from exc


def role_run_by(user: Any, role_id: int) -> PractitionerRole:
    """A calendar the user runs; anyone else's, or an unknown one, is 'not found'."""
    role = (
        PractitionerRole.objects.filter(pk__in=roles_managed_by(user), pk=role_id)
        .select_related("facility", "practitioner")
        .first()
    )
    if role is None:
        raise NotFound(_("We could not find that calendar."))
    return role


def calendars_run_by(user: Any) -> QuerySet[PractitionerRole]:
    """The calendars the user runs, with their visit types, for Connect's forms."""
    return (
        PractitionerRole.objects.filter(pk__in=roles_managed_by(user))
        .select_related("facility", "practitioner")
        .prefetch_related("visit_types")
        .order_by("pk")
    )
